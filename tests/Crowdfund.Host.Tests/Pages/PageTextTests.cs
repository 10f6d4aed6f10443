using Crowdfund.Domain.Rules;
using Crowdfund.Host.Pages;

namespace Crowdfund.Host.Tests.Pages;

public sealed class PageTextTests
{
    [Test]
    public void Every_page_text_is_written_in_each_language_of_the_backers_mail()
    {
        Assert.That(PageTexts.Languages, Is.EquivalentTo(BackerLocales.Languages));
        foreach (var key in PageTexts.Keys)
        {
            Assert.That(PageTexts.CountFor(key), Is.EqualTo(PageTexts.Languages.Length), key);
            foreach (var language in PageTexts.Languages)
                Assert.That(PageTexts.For(language)[key], Is.Not.Empty, $"{key} in {language}");
        }
    }

    [Test]
    public void Html_encodes_every_value_but_keeps_letters_of_every_script()
    {
        var name = "<script>alert('x')</script> Español €";
        var html = Html.Of($"<p title=\"{name}\">{name}</p>").Value;
        Assert.That(html, Does.Not.Contain("<script>").And.Not.Contain("'x'"));
        Assert.That(html, Does.Contain("&lt;script&gt;").And.Contain("Español €"));
    }
}
