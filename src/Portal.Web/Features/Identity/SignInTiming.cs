using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Portal.Web.Features.Identity;

/// <summary>
/// Makes a sign-in refused without a password check (unknown name, single-sign-on account, locked out)
/// cost what a wrong password costs: one verification with Identity's hasher and its iteration count.
/// </summary>
public static class SignInTiming
{
    private static readonly PortalUser Nobody = new() { UserName = "nobody" };
    private static string? dummyHash;

    public static void HashAgainstDummy(IPasswordHasher<PortalUser> hasher, string password)
    {
        // Made with the running hasher, so its algorithm and iterations match real hashes; a race only makes two.
        dummyHash ??= hasher.HashPassword(Nobody, RandomNumberGenerator.GetHexString(32));
        _ = hasher.VerifyHashedPassword(Nobody, dummyHash, password);
    }
}
