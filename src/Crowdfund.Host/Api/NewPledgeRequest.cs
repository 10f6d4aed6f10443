using Crowdfund.Domain.Rules;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Api;

/// <summary>
/// A new pledge as read from its request: the Idempotency-Key, the raw body (for telling a replay from a reuse of the
/// key) and the input checked completely, before it may join a batch shared with other backers' pledges.
/// </summary>
public sealed record NewPledgeRequest(string IdempotencyKey, byte[] Body, PledgeInput Input)
{
    /// <summary>The request, or the problem that refuses it.</summary>
    public static async Task<(NewPledgeRequest? Request, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (!TextRules.IsIdempotencyKey(key)) return (null, ApiProblems.For(Refusal.IdempotencyKeyMissing));
        var body = await JsonBody.ReadAsync<NewPledgeBody>(request);
        if (body.Problem is not null) return (null, body.Problem);
        var raw = body.Value!;
        var (input, problems) = PledgeInputRules.Check(raw.TierId, raw.Quantity, raw.Country, raw.Backer?.Name,
            raw.Backer?.Email, raw.ShippingAddress?.Line1, raw.ShippingAddress?.Line2, raw.ShippingAddress?.City,
            raw.ShippingAddress?.Region, raw.ShippingAddress?.PostalCode, raw.Locale);
        return input is null ? (null, ApiProblems.Validation(problems)) : (new NewPledgeRequest(key, body.Raw, input), null);
    }
}
