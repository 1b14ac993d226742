using System.Security.Cryptography;

namespace Portal.Web.Features.Identity;

public static class LocalAccounts
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>
    /// 20 characters from an alphabet without look-alikes (about 116 bits), drawn again until it
    /// meets the password rules (a digit and a lower-case letter): a random draw misses a digit
    /// about one time in twenty ((48/56)^20), and the first start must not fail on it.
    /// </summary>
    public static string NewOneTimePassword()
    {
        while (true)
        {
            var password = RandomNumberGenerator.GetString(Alphabet, 20);
            if (password.Any(char.IsAsciiDigit) && password.Any(char.IsAsciiLetterLower))
            {
                return password;
            }
        }
    }

    /// <summary>
    /// Only local paths are followed after sign-in: no open redirects. Control characters are refused anywhere in the
    /// URL: browsers drop tabs and line breaks (so <c>/\t/evil.example</c> would become <c>//evil.example</c>), and
    /// ASP.NET Core's local-redirect check throws on them.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";
}
