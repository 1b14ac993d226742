using System.Security.Cryptography;

namespace Portal.Web.Features.Identity;

public static class LocalAccounts
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>20 characters from an alphabet without look-alikes (about 116 bits).</summary>
    public static string NewOneTimePassword() => RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>Only local paths are followed after sign-in: no open redirects.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
