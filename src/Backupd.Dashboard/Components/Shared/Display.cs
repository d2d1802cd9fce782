using System.Globalization;

namespace Backupd.Dashboard.Components.Shared;

/// <summary>How the dashboard words times, sizes and speeds.</summary>
public static class Display
{
    /// <summary>"3 min ago", "in 2 h", "just now"; "never" for none.</summary>
    public static string Relative(DateTimeOffset? when, DateTimeOffset now)
    {
        if (when is not { } at)
        {
            return "never";
        }

        var span = at - now;
        var ago = span < TimeSpan.Zero;
        var length = span.Duration();
        if (length < TimeSpan.FromSeconds(45))
        {
            return ago ? "just now" : "in a moment";
        }

        var words = Span(length);
        return ago ? $"{words} ago" : $"in {words}";
    }

    /// <summary>"42 s", "5 min", "3 h 10 min", "2 d 4 h".</summary>
    public static string Span(TimeSpan length) => length switch
    {
        { TotalMinutes: < 1 } => $"{Math.Max(0, (int)length.TotalSeconds)} s",
        { TotalHours: < 1 } => $"{(int)length.TotalMinutes} min",
        { TotalDays: < 1 } => length.Minutes == 0 ? $"{(int)length.TotalHours} h" : $"{(int)length.TotalHours} h {length.Minutes} min",
        _ => length.Hours == 0 ? $"{(int)length.TotalDays} d" : $"{(int)length.TotalDays} d {length.Hours} h",
    };

    /// <summary>The exact time, UTC, for a tooltip.</summary>
    public static string Exact(DateTimeOffset? when) =>
        when is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "never";

    /// <summary>"512 B", "1.5 MiB", "3.2 GiB".</summary>
    public static string Bytes(long? bytes)
    {
        if (bytes is not { } value)
        {
            return "–";
        }

        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double size = value;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return unit == 0 ? $"{value} B" : size.ToString(size < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
