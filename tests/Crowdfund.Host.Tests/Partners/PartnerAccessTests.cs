using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdfund.Testing;
using Npgsql;

namespace Crowdfund.Host.Tests.Partners;

public sealed class PartnerAccessTests
{
    private static Uri Base => ApiHost.BaseAddress;

    [Test]
    public async Task A_partner_reads_its_own_campaign_and_another_partners_key_gets_404_not_403()
    {
        using var team = ApiHost.Team();
        var ours = await ApiHost.LaunchCampaignAsync("ptn-own", client: team);
        var theirs = await ApiHost.LaunchCampaignAsync("ptn-other", client: team);
        var maker = await TestPartners.RegisterAsync(team, "maker", "https://127.0.0.1:9/factory", ours);
        var rival = await TestPartners.RegisterAsync(team, "rival", "https://127.0.0.1:9/rival", theirs);

        using var makerClient = maker.Client(Base);
        var own = await makerClient.GetAsync($"/partner/v1/campaigns/{ours}");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var view = await Http.JsonAsync(own);
        Assert.That(view.GetProperty("id").GetString(), Is.EqualTo(ours));
        Assert.That(view.GetProperty("goalUnits").GetInt32(), Is.GreaterThan(0));

        await Http.AssertProblemAsync(await makerClient.GetAsync($"/partner/v1/campaigns/{theirs}"), 404, "campaign-not-found");
        await Http.AssertProblemAsync(await makerClient.GetAsync("/partner/v1/campaigns/no-such-campaign"), 404, "campaign-not-found");
        using var rivalClient = rival.Client(Base);
        await Http.AssertProblemAsync(await rivalClient.GetAsync($"/partner/v1/campaigns/{ours}"), 404, "campaign-not-found");
    }

    [Test]
    public async Task No_key_a_wrong_key_or_the_team_key_is_401_on_the_partner_api()
    {
        using var team = ApiHost.Team();
        var slug = await ApiHost.LaunchCampaignAsync("ptn-auth", client: team);
        await TestPartners.RegisterAsync(team, "auth", "https://127.0.0.1:9/factory", slug);
        using var anonymous = ApiHost.Client();
        await Http.AssertProblemAsync(await anonymous.GetAsync($"/partner/v1/campaigns/{slug}"), 401, "unauthorized");
        using var wrong = TestPartner.PartnerClient(Base, "cfpk_" + new string('x', 43));
        await Http.AssertProblemAsync(await wrong.GetAsync($"/partner/v1/campaigns/{slug}"), 401, "unauthorized");
        using var teamKey = TestPartner.PartnerClient(Base, ApiHost.TeamKey);
        await Http.AssertProblemAsync(await teamKey.GetAsync($"/partner/v1/campaigns/{slug}"), 401, "unauthorized");
    }

    [Test]
    public async Task The_key_is_shown_once_and_stored_only_as_its_hash()
    {
        using var team = ApiHost.Team();
        var partner = await TestPartners.RegisterAsync(team, "hash", "https://127.0.0.1:9/factory");
        var read = await Http.JsonAsync(await team.GetAsync($"/team/v1/partners/{partner.Id}"));
        Assert.That(read.GetRawText(), Does.Not.Contain(partner.ApiKey).And.Not.Contain(partner.SigningSecret));
        Assert.That(read.GetProperty("keys")[0].GetProperty("prefix").GetString(), Is.EqualTo(partner.ApiKey[..13]));

        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key_hash FROM partner_keys WHERE partner_id = @id", connection);
        command.Parameters.AddWithValue("id", partner.Id);
        var stored = (byte[])(await command.ExecuteScalarAsync())!;
        Assert.That(stored, Is.EqualTo(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(partner.ApiKey))));
    }

    [Test]
    public async Task A_rotated_key_and_the_one_before_both_work_until_the_overlap_ends_and_a_revoked_key_stops_at_once()
    {
        using var team = ApiHost.Team();
        var slug = await ApiHost.LaunchCampaignAsync("ptn-rot", client: team);
        var partner = await TestPartners.RegisterAsync(team, "rot", "https://127.0.0.1:9/factory", slug);

        var rotated = await team.PostAsJsonAsync($"/team/v1/partners/{partner.Id}/keys", new { previousKeyValidForHours = 24 });
        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var body = await Http.JsonAsync(rotated);
        var newKey = body.GetProperty("apiKey").GetString()!;
        Assert.That(newKey, Is.Not.EqualTo(partner.ApiKey));
        Assert.That(body.GetProperty("signingSecret").ValueKind, Is.EqualTo(JsonValueKind.Null), "the secret is not shown again");

        using var oldClient = TestPartner.PartnerClient(Base, partner.ApiKey);
        using var newClient = TestPartner.PartnerClient(Base, newKey);
        Assert.That((await oldClient.GetAsync($"/partner/v1/campaigns/{slug}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await newClient.GetAsync($"/partner/v1/campaigns/{slug}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The old key's overlap is over at once when the team asks for no overlap: rotating again ends every older key.
        var third = await Http.JsonAsync(await team.PostAsJsonAsync($"/team/v1/partners/{partner.Id}/keys",
            new { previousKeyValidForHours = 0 }));
        var thirdKey = third.GetProperty("apiKey").GetString()!;
        await Http.AssertProblemAsync(await oldClient.GetAsync($"/partner/v1/campaigns/{slug}"), 401, "unauthorized");
        await Http.AssertProblemAsync(await newClient.GetAsync($"/partner/v1/campaigns/{slug}"), 401, "unauthorized");
        using var thirdClient = TestPartner.PartnerClient(Base, thirdKey);
        Assert.That((await thirdClient.GetAsync($"/partner/v1/campaigns/{slug}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var revoked = await team.DeleteAsync($"/team/v1/partners/{partner.Id}/keys/{thirdKey[..13]}");
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Http.AssertProblemAsync(await thirdClient.GetAsync($"/partner/v1/campaigns/{slug}"), 401, "unauthorized");
        await Http.AssertProblemAsync(await team.DeleteAsync($"/team/v1/partners/{partner.Id}/keys/cfpk_nothere"), 404,
            "partner-key-not-found");
    }

    [Test]
    public async Task Registration_refuses_bad_fields_by_name_a_taken_id_and_a_campaign_already_manufactured_elsewhere()
    {
        using var team = ApiHost.Team();
        var bad = await team.PostAsJsonAsync("/team/v1/partners",
            new { id = "Bad Id", name = "", webhookUrl = "http://factory.example/hooks" });
        await Http.AssertProblemAsync(bad, 422, "validation-failed");
        var errors = (await Http.JsonAsync(bad)).GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.That(errors, Is.SupersetOf(new[] { "id", "name", "webhookUrl" }));

        var slug = await ApiHost.LaunchCampaignAsync("ptn-link", client: team);
        var first = await TestPartners.RegisterAsync(team, "first", "https://127.0.0.1:9/one", slug);
        var again = await team.PostAsJsonAsync("/team/v1/partners",
            new { id = first.Id, name = "Other", webhookUrl = "https://127.0.0.1:9/two" });
        await Http.AssertProblemAsync(again, 409, "partner-exists");

        await TestPartners.LinkAsync(team, first.Id, slug); // the same link again changes nothing
        var second = await TestPartners.RegisterAsync(team, "second", "https://127.0.0.1:9/two");
        await Http.AssertProblemAsync(await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/partner",
            new { partnerId = second.Id }), 409, "campaign-has-partner");
        await Http.AssertProblemAsync(await team.PutAsJsonAsync("/team/v1/campaigns/no-such/partner",
            new { partnerId = second.Id }), 404, "campaign-not-found");
    }
}
