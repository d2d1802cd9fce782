using System.Globalization;

namespace Backupd.Scheduling;

/// <summary>
/// A cron expression in plain words, for the dashboard to show beside the field as the admin types
/// ("At 02:30, Monday to Friday"). Written here because no cron describer is among the packages
/// this project may use; it reads the shapes schedules use (numbers, lists, ranges, steps, names) and says anything else field by field rather than guess.
/// </summary>
public static class CronReading
{
    private static readonly string[] DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] MonthNames = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] DayAbbreviations = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly string[] MonthAbbreviations = ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>The words for <paramref name="expression"/>, which must already have parsed (<see cref="CronSchedule.TryParse"/>).</summary>
    public static string Describe(string expression)
    {
        var text = expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (second, rest) = fields.Length == 6 ? (fields[0], fields[1..]) : ("0", fields);
        if (rest.Length != 5)
        {
            return $"On the cron schedule {text}";
        }

        var time = Time(second, rest[0], rest[1]);
        var days = Days(rest[2], rest[4]);
        var months = Months(rest[3]);
        return string.Join(", ", new[] { time, days, months }.Where(part => part.Length > 0));
    }

    private static string Time(string second, string minute, string hour)
    {
        var seconds = second == "0" ? "" : $" at second {Values(second, 0, 59, n => n.ToString(CultureInfo.InvariantCulture))}";
        if (IsNumber(minute) && Numbers(hour) is { } hours)
        {
            return "At " + List(hours.Select(h => $"{h:00}:{int.Parse(minute, CultureInfo.InvariantCulture):00}").ToList()) + seconds;
        }

        if (IsAny(hour))
        {
            return minute switch
            {
                "*" => second == "0" ? "Every minute" : "Every minute" + seconds,
                _ when Step(minute) is { } step => $"Every {step} minutes" + seconds,
                _ when IsNumber(minute) => minute == "0" ? "Every hour, on the hour" + seconds : $"Every hour at minute {minute}" + seconds,
                _ => $"At minute {Values(minute, 0, 59, Number)} of every hour" + seconds,
            };
        }

        if (Step(hour) is { } hourStep && IsNumber(minute))
        {
            return $"Every {hourStep} hours at minute {minute}" + seconds;
        }

        return $"At minute {Values(minute, 0, 59, Number)} past hour {Values(hour, 0, 23, Number)}" + seconds;
    }

    private static string Days(string dayOfMonth, string dayOfWeek)
    {
        var anyMonthDay = IsAny(dayOfMonth);
        var anyWeekDay = IsAny(dayOfWeek);
        if (anyMonthDay && anyWeekDay)
        {
            return "every day";
        }

        var weekDays = anyWeekDay ? "" : Values(dayOfWeek.ToUpperInvariant(), 0, 7, n => DayNames[n], DayAbbreviations);
        var monthDays = anyMonthDay ? "" : "on day " + Values(dayOfMonth.ToUpperInvariant(), 1, 31, Number) + " of the month";
        return (weekDays, monthDays) switch
        {
            ("", _) => monthDays,
            (_, "") => "on " + weekDays,
            // Cron's rule: with both set, a day matching either runs.
            _ => $"{monthDays} and on {weekDays}",
        };
    }

    private static string Months(string month) =>
        IsAny(month) ? "" : "in " + Values(month.ToUpperInvariant(), 1, 12, n => MonthNames[n], MonthAbbreviations);

    // "1,3,5" → "1, 3 and 5"; "1-5" → "1 to 5"; "*/2" → "every 2nd"; names replaced; anything else as written.
    private static string Values(string field, int min, int max, Func<int, string> name, string[]? abbreviations = null)
    {
        var parts = new List<string>();
        foreach (var part in field.Split(','))
        {
            if (Step(part) is { } step)
            {
                parts.Add($"every {Ordinal(step)}");
                continue;
            }

            var range = part.Split('-');
            if (range.Length == 2 && Value(range[0], min, max, abbreviations) is { } from && Value(range[1], min, max, abbreviations) is { } to)
            {
                parts.Add($"{name(from)} to {name(to)}");
            }
            else if (range.Length == 1 && Value(part, min, max, abbreviations) is { } single)
            {
                parts.Add(name(single));
            }
            else
            {
                parts.Add(part);
            }
        }

        return List(parts);
    }

    private static int? Value(string text, int min, int max, string[]? abbreviations)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        var index = abbreviations is null ? -1 : Array.IndexOf(abbreviations, text);
        return index > 0 || (index == 0 && abbreviations![0].Length > 0) ? index : null;
    }

    private static List<int>? Numbers(string field)
    {
        var numbers = new List<int>();
        foreach (var part in field.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            numbers.Add(number);
        }

        return numbers;
    }

    private static int? Step(string field) =>
        field.StartsWith("*/", StringComparison.Ordinal) && int.TryParse(field[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : null;

    private static bool IsAny(string field) => field is "*" or "?";

    private static bool IsNumber(string field) => int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ordinal(int value) => (value % 100, value % 10) switch
    {
        ((11 or 12 or 13), _) => $"{value}th",
        (_, 1) => $"{value}st",
        (_, 2) => $"{value}nd",
        (_, 3) => $"{value}rd",
        _ => $"{value}th",
    };

    private static string List(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}
