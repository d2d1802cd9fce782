using System.Security;
using Cronos;

namespace Backupd.Scheduling;

/// <summary>
/// Reads what a user typed for a schedule. Each method answers null when the value is good,
/// or the sentence that tells the user which field is wrong and how.
/// </summary>
internal static class CronScheduleInput
{
    /// <summary>Five fields, or six with seconds first; whitespace between fields is normalised to one space.</summary>
    internal static string? TryReadExpression(string? cron, out string? expression, out CronExpression? parsed)
    {
        expression = null;
        parsed = null;

        var fields = (cron ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0)
        {
            return $"'cron' is required; {CronSchedule.ExpectedFormat}.";
        }

        var normalized = string.Join(' ', fields);
        CronFormat? format = fields.Length switch
        {
            5 => CronFormat.Standard,
            6 => CronFormat.IncludeSeconds,
            _ => null,
        };
        if (format is null)
        {
            return $"'cron': '{normalized}' is not a valid cron expression: it has {fields.Length} {(fields.Length == 1 ? "field" : "fields")}; {CronSchedule.ExpectedFormat}.";
        }

        try
        {
            parsed = CronExpression.Parse(normalized, format.Value);
        }
        catch (CronFormatException e)
        {
            return $"'cron': '{normalized}' is not a valid cron expression: {CronosDetail(e)}; {CronSchedule.ExpectedFormat}.";
        }

        // Cron fields repeat with the calendar, so an expression with no occurrence after the
        // epoch has none at all (e.g. 30 February): such a schedule would sit silent forever.
        if (parsed.GetNextOccurrence(DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc) is null)
        {
            parsed = null;
            return $"'cron': '{normalized}' never matches a real date, so it would never run.";
        }

        expression = normalized;
        return null;
    }

    /// <summary>An IANA id from the system's tz database; null or blank is <see cref="CronSchedule.DefaultTimeZoneId"/>.</summary>
    internal static string? TryFindTimeZone(string? timeZone, out TimeZoneInfo? zone)
    {
        var id = string.IsNullOrWhiteSpace(timeZone) ? CronSchedule.DefaultTimeZoneId : timeZone.Trim();
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return null;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or SecurityException)
        {
            // SecurityException is how .NET answers for a folder of zones such as "Europe".
            zone = null;
            return $"'timeZone': '{id}' is not a known IANA time zone, e.g. Europe/Berlin.";
        }
    }

    // Cronos starts every message with the same sentence; what follows names the field.
    private static string CronosDetail(CronFormatException e)
    {
        const string prefix = "The given cron expression has an invalid format.";
        var detail = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        return detail.Trim().TrimEnd('.');
    }
}
