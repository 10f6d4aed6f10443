using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>
/// Debian's headless Chromium driven through Debian's chromedriver (both installed by build.sh), pointed at the test
/// host on loopback. Each test has a browser of its own, so cookies never leak between tests.
/// </summary>
internal sealed class Browser : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private const string DriverFolder = "/usr/bin";

    private Browser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    public static Browser Start(string acceptLanguage = "en-US,en", int width = 1200, int height = 1700)
    {
        if (!File.Exists(Chromium) || !File.Exists(Path.Combine(DriverFolder, "chromedriver")))
            Assert.Fail("Chromium or chromedriver is missing: ./build.sh test installs Debian's chromium and chromium-driver.");
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--disable-extensions", $"--window-size={width},{height}", $"--lang={acceptLanguage.Split(',')[0]}");
        options.AddUserProfilePreference("intl.accept_languages", acceptLanguage);
        var service = ChromeDriverService.CreateDefaultService(DriverFolder, "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new Browser(new ChromeDriver(service, options, TimeSpan.FromSeconds(60)));
    }

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(ApiHost.BaseAddress, path));

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    /// <summary>The visible text of an element, with the no-break spaces of number formats made plain spaces.</summary>
    public string Text(string css) => Plain(Find(css).Text);

    public static string Plain(string text) => text.Replace('\u00A0', ' ').Replace('\u202F', ' ');

    public void Until(Func<IWebDriver, bool> condition, TimeSpan within, string what)
    {
        try
        {
            var wait = new WebDriverWait(Driver, within) { PollingInterval = TimeSpan.FromMilliseconds(50) };
            // The live pages redraw their parts: an element found a moment ago may be replaced before it is read.
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
            wait.Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"Waited {within.TotalSeconds:0.#} s in vain: {what}.");
        }
    }

    /// <summary>Saves what the browser shows under the test output (screenshots/NAME.png) and returns the path.</summary>
    public string Screenshot(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
