using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using PitPlatform.Governance.Retention;

namespace PitPlatform.Hosting;

/// <summary>Reads PIT_RETENTION_*; every problem is added to the caller's list, naming its setting.</summary>
public static partial class RetentionSettingsReader
{
    public static RetentionSettings Read(IConfiguration configuration, List<string> problems)
    {
        var defaults = new RetentionSettings();
        var defaultDays = Days(SettingNames.RetentionDefaultDays, defaults.DefaultDays);
        var minDays = Days(SettingNames.RetentionMinDays, defaults.MinDays);
        var maxDays = Days(SettingNames.RetentionMaxDays, defaults.MaxDays);
        if (minDays > maxDays)
            problems.Add(
                $"{SettingNames.RetentionMinDays} ({minDays}) must not exceed "
                    + $"{SettingNames.RetentionMaxDays} ({maxDays})"
            );
        else if (defaultDays < minDays || defaultDays > maxDays)
            problems.Add(
                $"{SettingNames.RetentionDefaultDays} ({defaultDays}) must lie within "
                    + $"{SettingNames.RetentionMinDays} and {SettingNames.RetentionMaxDays} ({minDays}..{maxDays})"
            );

        var tiers = defaults.Tiers;
        if (configuration[SettingNames.RetentionTiers] is { Length: > 0 } tierText)
            tiers = ParseTiers(tierText);

        var periodSeconds = Positive(SettingNames.RetentionSweepPeriodSeconds, (int)defaults.SweepPeriod.TotalSeconds);
        var chunkRows = Positive(SettingNames.RetentionChunkRows, defaults.ChunkRows);
        return new RetentionSettings
        {
            DefaultDays = defaultDays,
            MinDays = minDays,
            MaxDays = maxDays,
            Tiers = tiers,
            SweepPeriod = TimeSpan.FromSeconds(periodSeconds),
            ChunkRows = chunkRows,
        };

        int Days(string name, int fallback)
        {
            var value = Positive(name, fallback);
            if (value > 36_500)
            {
                problems.Add($"{name} must be at most 36500 days, not {value}");
                return fallback;
            }
            return value;
        }

        int Positive(string name, int fallback)
        {
            var text = configuration[name];
            if (string.IsNullOrWhiteSpace(text))
                return fallback;
            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
                return value;
            problems.Add($"{name} must be a positive whole number, not '{text}'");
            return fallback;
        }

        List<RetentionTier> ParseTiers(string text)
        {
            var parsed = new List<RetentionTier>();
            foreach (
                var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            )
            {
                var pieces = part.Split('=', StringSplitOptions.TrimEntries);
                if (
                    pieces.Length != 2
                    || !TierName().IsMatch(pieces[0])
                    || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var days)
                    || days is < 1 or > 36_500
                )
                {
                    problems.Add(
                        $"{SettingNames.RetentionTiers} must be name=days pairs separated by commas (e.g. "
                            + "short=30,standard=90,extended=365; names in lower-case letters, digits and "
                            + $"hyphens), not '{part}'"
                    );
                    continue;
                }
                if (parsed.Any(t => t.Name == pieces[0]))
                    problems.Add($"{SettingNames.RetentionTiers} names tier '{pieces[0]}' twice");
                else
                    parsed.Add(new RetentionTier(pieces[0], days));
            }
            if (
                parsed.Count == 0
                && !problems.Any(p => p.StartsWith(SettingNames.RetentionTiers, StringComparison.Ordinal))
            )
                problems.Add($"{SettingNames.RetentionTiers} names no tier");
            return parsed;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex TierName();
}
