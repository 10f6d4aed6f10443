using System.Text;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Testing;
using Crowdfund.Tests.Readme;

namespace Crowdfund.Host.Tests.Partners;

public sealed class PartnerSignatureTests
{
    // The README's worked example ("Partner webhooks"), which a partner checks its own code against.
    private const string Secret = "cfwhsec_example-secret";
    private const string Body = """{"id": "retro-phone:forecast:1", "data": {"campaignId": "retro-phone"}}""";
    private const string Signed = "t=1796117400,v1=ebdc5c0df6b8c9d93f5233a11f73f0e59a9a0312923e4b72727dc10220b7a6db";

    [Test]
    public void The_documented_example_is_what_we_sign_and_what_the_documented_check_accepts()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1796117400);
        Assert.That(PartnerSignature.Sign(Secret, at, Encoding.UTF8.GetBytes(Body)), Is.EqualTo(Signed));
        Assert.That(Readme.Text, Does.Contain(Signed.Split(',')[1]).And.Contain(Secret).And.Contain(Body));

        Assert.That(PartnerReceiver.Verifies(Signed, Encoding.UTF8.GetBytes(Body), Secret, at.AddMinutes(4)), Is.True);
        Assert.That(PartnerReceiver.Verifies(Signed, Encoding.UTF8.GetBytes(Body), Secret, at.AddMinutes(6)), Is.False, "stale");
        Assert.That(PartnerReceiver.Verifies(Signed, Encoding.UTF8.GetBytes(Body + " "), Secret, at), Is.False, "one byte more");
        Assert.That(PartnerReceiver.Verifies(Signed, Encoding.UTF8.GetBytes(Body), Secret + "x", at), Is.False, "another secret");
    }

}
