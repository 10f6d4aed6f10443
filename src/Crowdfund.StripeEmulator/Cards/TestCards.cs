namespace Crowdfund.StripeEmulator.Cards;

/// <summary>When a card asks its holder to authenticate (3-D Secure).</summary>
internal enum Authentication
{
    /// <summary>Never.</summary>
    None,

    /// <summary>On every setup and payment, even off-session ones after a setup (which then fail).</summary>
    Always,

    /// <summary>On setup, and on any payment until the card has been set up for off-session use.</summary>
    UnlessSetUp,

    /// <summary>On setup and on-session payments; off-session payments go through as if it had been set up.</summary>
    OnSessionOnly,
}

/// <summary>A decline: Stripe's error <c>code</c>, <c>decline_code</c> and message.</summary>
internal sealed record Decline(string Code, string DeclineCode, string Message)
{
    public static readonly Decline Generic = new("card_declined", "generic_decline", "Your card was declined.");
    public static readonly Decline InsufficientFunds = new("card_declined", "insufficient_funds", "Your card has insufficient funds.");
    public static readonly Decline AuthenticationRequired = new("authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication.");
}

/// <summary>
/// The behaviour of one of Stripe's documented test cards. <see cref="SetupDecline"/> refuses saving the card
/// (SetupIntent confirm and attach); <see cref="ChargeDecline"/> refuses charging it.
/// </summary>
internal sealed record TestCard(
    string Number,
    string Brand,
    string Funding,
    Authentication Authentication = Authentication.None,
    Decline? SetupDecline = null,
    Decline? ChargeDecline = null,
    bool Disputed = false)
{
    public string Last4 => Number[^4..];
}

/// <summary>
/// Stripe's test PaymentMethod ids and card numbers (docs.stripe.com/testing) with the behaviour the emulator gives
/// them; the table in the emulator's README.md says the same for people.
/// </summary>
internal static class TestCards
{
    private static readonly Decline Expired = new("expired_card", "expired_card", "Your card has expired.");
    private static readonly Decline IncorrectCvc = new("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.");
    private static readonly Decline ProcessingError = new("processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit.");

    private static readonly Dictionary<string, TestCard> ById = new(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = new("4242424242424242", "visa", "credit"),
        ["pm_card_visa_debit"] = new("4000056655665556", "visa", "debit"),
        ["pm_card_mastercard"] = new("5555555555554444", "mastercard", "credit"),
        ["pm_card_amex"] = new("378282246310005", "amex", "credit"),
        ["pm_card_chargeDeclined"] = new("4000000000000002", "visa", "credit", SetupDecline: Decline.Generic, ChargeDecline: Decline.Generic),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new("4000000000009995", "visa", "credit", SetupDecline: Decline.InsufficientFunds, ChargeDecline: Decline.InsufficientFunds),
        ["pm_card_chargeDeclinedExpiredCard"] = new("4000000000000069", "visa", "credit", SetupDecline: Expired, ChargeDecline: Expired),
        ["pm_card_chargeDeclinedIncorrectCvc"] = new("4000000000000127", "visa", "credit", SetupDecline: IncorrectCvc, ChargeDecline: IncorrectCvc),
        ["pm_card_chargeDeclinedProcessingError"] = new("4000000000000119", "visa", "credit", SetupDecline: ProcessingError, ChargeDecline: ProcessingError),
        ["pm_card_chargeCustomerFail"] = new("4000000000000341", "visa", "credit", ChargeDecline: Decline.Generic),
        ["pm_card_createDispute"] = new("4000000000000259", "visa", "credit", Disputed: true),
        ["pm_card_authenticationRequired"] = new("4000002760003184", "visa", "credit", Authentication.Always),
        ["pm_card_threeDSecure2Required"] = new("4000000000003220", "visa", "credit", Authentication.Always),
        ["pm_card_authenticationRequiredOnSetup"] = new("4000002500003155", "visa", "credit", Authentication.UnlessSetUp),
        ["pm_card_authenticationRequiredSetupForOffSession"] = new("4000003800000446", "visa", "credit", Authentication.OnSessionOnly),
        ["pm_card_authenticationRequiredChargeDeclinedInsufficientFunds"] = new("4000008260003178", "visa", "credit", Authentication.UnlessSetUp, ChargeDecline: Decline.InsufficientFunds),
    };

    private static readonly Dictionary<string, TestCard> ByNumber = ById.Values
        .GroupBy(card => card.Number)
        .ToDictionary(group => group.Key, group => group.First());

    /// <summary>The card behind a test PaymentMethod id such as <c>pm_card_visa</c>, or null.</summary>
    public static TestCard? FromPaymentMethodId(string id) => ById.GetValueOrDefault(id);

    /// <summary>The card for a number typed in a form: a test number, or any other number as a plain card that works.</summary>
    public static TestCard? FromNumber(string number)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length < 12 || !PassesLuhn(digits)) return null;
        return ByNumber.GetValueOrDefault(digits) ?? new TestCard(digits, BrandOf(digits), "credit");
    }

    private static string BrandOf(string digits) => digits[0] switch
    {
        '4' => "visa",
        '5' or '2' => "mastercard",
        '3' when digits.StartsWith("34", StringComparison.Ordinal) || digits.StartsWith("37", StringComparison.Ordinal) => "amex",
        '6' => "discover",
        _ => "unknown",
    };

    private static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            sum += digit;
        }
        return sum % 10 == 0;
    }
}
