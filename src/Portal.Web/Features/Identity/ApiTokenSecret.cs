using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Features.Identity;

/// <summary>Token secrets: <c>ptk_</c> + 32 random bytes (base64url). High entropy, so a fast hash is enough.</summary>
public static class ApiTokenSecret
{
    public const string Marker = "ptk_";

    public static string New() => Marker + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string Prefix(string secret) => secret[..Math.Min(secret.Length, Marker.Length + 6)];

    /// <summary>Compares in constant time, for the configured bootstrap token.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
