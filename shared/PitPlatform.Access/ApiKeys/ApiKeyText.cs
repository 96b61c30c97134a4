using System.Security.Cryptography;

namespace PitPlatform.Access.ApiKeys;

/// <summary>
/// The text form of an API key: <c>pit_{prefix}_{secret}</c>, prefix 8 and secret 32 characters of [a-z0-9].
/// The prefix is public (it names the key in logs and lists); only a hash of the secret is stored.
/// </summary>
public readonly record struct ApiKeyText(string Prefix, string Secret)
{
    public const int PrefixLength = 8;
    public const int SecretLength = 32;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public override string ToString() => $"pit_{Prefix}_{Secret}";

    public static ApiKeyText Generate() => new(RandomText(PrefixLength), RandomText(SecretLength));

    public static bool TryParse(string? text, out ApiKeyText key)
    {
        key = default;
        if (
            text is null
            || text.Length != 4 + PrefixLength + 1 + SecretLength
            || !text.StartsWith("pit_", StringComparison.Ordinal)
            || text[4 + PrefixLength] != '_'
        )
            return false;
        var prefix = text.Substring(4, PrefixLength);
        var secret = text[(5 + PrefixLength)..];
        if (!prefix.All(IsKeyChar) || !secret.All(IsKeyChar))
            return false;
        key = new ApiKeyText(prefix, secret);
        return true;
    }

    /// <summary>Whether <paramref name="text"/> has the shape of a key's prefix; no key has any other.</summary>
    public static bool IsPrefix(string? text) => text is { Length: PrefixLength } && text.All(IsKeyChar);

    private static bool IsKeyChar(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    private static string RandomText(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
