using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Processing.Usage;

/// <summary>
/// The fraction of LLM calls whose full text is kept although the tenant did not opt in and the call is not flagged
/// (setting PIT_USAGE_TEXT_SAMPLE_RATE), in parts per million so no floating point is involved. The choice is
/// deterministic: a hash of the call's run_id (so a sampled run is kept whole), or of its event_id when it names no
/// run, below the fraction. A redelivered call is therefore always decided the same way.
/// </summary>
public sealed class UsageTextSampling
{
    public const int PartsPerMillionInWhole = 1_000_000;

    /// <summary>1%: the seeds' cost rule keeps full text only for flagged items or sampled runs.</summary>
    public const int DefaultPartsPerMillion = 10_000;

    public UsageTextSampling(int partsPerMillion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partsPerMillion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partsPerMillion, PartsPerMillionInWhole);
        PartsPerMillion = partsPerMillion;
    }

    public int PartsPerMillion { get; }

    public bool Includes(Guid eventId, string runId)
    {
        if (PartsPerMillion == 0)
            return false;
        if (PartsPerMillion == PartsPerMillionInWhole)
            return true;
        var subject = runId.Length > 0 ? "run:" + runId : "event:" + eventId.ToString("D");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(subject), hash);
        var bucket = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) % PartsPerMillionInWhole;
        return bucket < (ulong)PartsPerMillion;
    }

    /// <summary>
    /// Parses a fraction from 0 to 1 with at most six decimals ("0.01", "1", "0") into parts per million; null when
    /// the text is not such a fraction.
    /// </summary>
    public static int? ParsePartsPerMillion(string text)
    {
        text = text.Trim();
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (
            whole is not ("0" or "1")
            || fraction.Length > 6
            || (dot >= 0 && fraction.Length == 0)
            || !fraction.All(char.IsAsciiDigit)
        )
            return null;
        var ppm =
            (whole == "1" ? PartsPerMillionInWhole : 0)
            + (
                fraction.Length == 0
                    ? 0
                    : int.Parse(fraction.PadRight(6, '0'), System.Globalization.CultureInfo.InvariantCulture)
            );
        return ppm <= PartsPerMillionInWhole ? ppm : null;
    }
}
