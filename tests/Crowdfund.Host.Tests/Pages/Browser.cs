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

    private readonly Uri baseAddress;

    private Browser(ChromeDriver driver, Uri baseAddress) => (Driver, this.baseAddress) = (driver, baseAddress);

    public ChromeDriver Driver { get; }

    /// <param name="baseAddress">The host the paths are on: the tests' shared host unless given.</param>
    public static Browser Start(string acceptLanguage = "en-US,en", int width = 1200, int height = 1700, Uri? baseAddress = null)
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
        return new Browser(new ChromeDriver(service, options, TimeSpan.FromSeconds(60)), baseAddress ?? ApiHost.BaseAddress);
    }

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(baseAddress, path));

    /// <summary>
    /// Types the team key into the sign-in form and waits for the form's answer: the page at <paramref name="returnPath"/>,
    /// or the sign-in page again with its error. The wait is what makes it safe. Chromedriver's click returns once the
    /// click is dispatched, and on a loaded machine that can be before the form's navigation has begun; a navigation
    /// started then (the next Open) cancels the sign-in's POST, its cookie never arrives, and the browser sits on the
    /// sign-in page: the dashboard tests that failed under load did exactly that.
    /// </summary>
    public void SignIn(string key, string returnPath = "/team")
    {
        Open($"/team/sign-in?ReturnUrl={Uri.EscapeDataString(returnPath)}");
        Find("#key").SendKeys(key);
        Find(".sign-in button").Click();
        Until(d => new Uri(d.Url).AbsolutePath != "/team/sign-in" || Text("#key-error").Length > 0, TimeSpan.FromSeconds(30),
            "the answer to the sign-in form");
    }

    /// <summary>Clicks a button that posts a form and waits until the browser has followed it to <paramref name="landsOn"/>.</summary>
    public void Submit(string buttonCss, string landsOn)
    {
        Find(buttonCss).Click();
        Until(d => new Uri(d.Url).AbsolutePath == landsOn, TimeSpan.FromSeconds(30), $"the form's answer at {landsOn}");
    }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    /// <summary>The visible text of an element, with the no-break spaces of number formats made plain spaces.</summary>
    public string Text(string css) => Plain(Find(css).Text);

    /// <summary>
    /// The text of an element of a live page, read again when the page redrew it between finding and reading (the
    /// dashboard's feed replaces a panel's markup whenever it changed).
    /// </summary>
    public string Read(string css)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Text(css);
            }
            catch (StaleElementReferenceException) when (attempt < 20)
            {
            }
        }
    }

    /// <summary>An attribute of an element of a live page, read like <see cref="Read"/>.</summary>
    public string? Attribute(string css, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Find(css).GetAttribute(name);
            }
            catch (StaleElementReferenceException) when (attempt < 20)
            {
            }
        }
    }

    public static string Plain(string text) => text.Replace('\u00A0', ' ').Replace('\u202F', ' ');

    public void Until(Func<IWebDriver, bool> condition, TimeSpan within, string what)
    {
        try
        {
            var wait = new WebDriverWait(Driver, within) { PollingInterval = TimeSpan.FromMilliseconds(50) };
            // The live pages redraw their parts: an element found a moment ago may be replaced before it is read.
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
            wait.Until(d =>
            {
                try
                {
                    return condition(d);
                }
                catch (UnknownErrorException e) when (e.Message.Contains("does not belong to the document", StringComparison.Ordinal))
                {
                    // The same stale element, as chromedriver words it when the page navigated away between finding
                    // the element and reading it (seen on the sign-in form's answer): read again on the next poll.
                    return false;
                }
            });
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
