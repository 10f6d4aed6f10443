using System.Security.Cryptography;

namespace Crowdfund.StripeEmulator.State;

/// <summary>Stripe-looking identifiers: a type prefix and random base-62 characters.</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) => $"{prefix}_{Random(length)}";

    public static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
