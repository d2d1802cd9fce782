using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Backupd.Hosting;

/// <summary>
/// Binds <see cref="SettingAttribute"/> properties from configuration and validates them.
/// </summary>
/// <remarks>
/// Written here rather than using <c>ConfigurationBinder</c> because the binder's conversion
/// errors name the configuration path (<c>MAX_IO</c>) and stop at the first one, while an
/// operator needs every wrong variable named as they set it (<c>BACKUPD_MAX_IO</c>).
/// </remarks>
public static class SettingsBinder
{
    /// <summary>Binds and validates a settings object; throws <see cref="InvalidSettingsException"/> listing every problem.</summary>
    public static T BindValidated<T>(IConfiguration configuration) where T : class, new()
    {
        var settings = new T();
        var errors = new List<string>();
        var unparsed = Bind(configuration, settings, errors);
        Validate(settings, unparsed, errors);
        if (errors.Count > 0)
        {
            throw new InvalidSettingsException(errors);
        }

        return settings;
    }

    /// <summary>Copies every setting present in <paramref name="configuration"/> onto <paramref name="target"/>.</summary>
    /// <returns>The properties whose value could not be converted (and so kept their default).</returns>
    public static ISet<string> Bind(IConfiguration configuration, object target, ICollection<string>? errors = null)
    {
        var unparsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (property, setting) in SettingsOf(target.GetType()))
        {
            var raw = configuration[setting.Name];
            if (raw is null)
            {
                continue;
            }

            if (TryConvert(raw.Trim(), property.PropertyType, out var value, out var expected))
            {
                property.SetValue(target, value);
            }
            else
            {
                var shown = setting.Secret ? "(hidden)" : $"'{raw}'";
                errors?.Add($"{setting.Describe()} is {shown}, which is not {expected}.");
                unparsed.Add(property.Name);
            }
        }

        return unparsed;
    }

    // A setting that failed to convert is reported once, by Bind, not again for its default value.
    private static void Validate(object settings, ISet<string> unparsed, List<string> errors)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        var byProperty = SettingsOf(settings.GetType()).ToDictionary(p => p.Property.Name, p => p.Setting);
        foreach (var result in results)
        {
            var member = result.MemberNames.FirstOrDefault();
            if (member is not null && unparsed.Contains(member))
            {
                continue;
            }

            if (member is not null && byProperty.TryGetValue(member, out var setting))
            {
                var value = settings.GetType().GetProperty(member)!.GetValue(settings);
                var shown = setting.Secret || value is null ? "" : $" (got '{Format(value)}')";
                errors.Add($"{setting.Describe()} {result.ErrorMessage}{shown}.");
            }
            else
            {
                errors.Add(result.ErrorMessage ?? "A setting is invalid.");
            }
        }
    }

    private static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static IEnumerable<(PropertyInfo Property, SettingAttribute Setting)> SettingsOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Setting: p.GetCustomAttribute<SettingAttribute>()))
            .Where(p => p.Setting is not null && p.Property.CanWrite)
            .Select(p => (p.Property, p.Setting!));

    private static bool TryConvert(string raw, Type type, out object? value, out string expected)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var invariant = CultureInfo.InvariantCulture;
        (bool ok, object? parsed, expected) = target switch
        {
            _ when target == typeof(string) => (true, (object?)raw, "text"),
            _ when target == typeof(int) => (int.TryParse(raw, NumberStyles.Integer, invariant, out var i), i, "a whole number"),
            _ when target == typeof(long) => (long.TryParse(raw, NumberStyles.Integer, invariant, out var l), l, "a whole number"),
            _ when target == typeof(double) => (double.TryParse(raw, NumberStyles.Float, invariant, out var d) && double.IsFinite(d), d, "a number"),
            _ when target == typeof(bool) => (bool.TryParse(raw, out var b), b, "true or false"),
            _ when target == typeof(TimeSpan) => (TimeSpan.TryParse(raw, invariant, out var t), t, "a duration such as 00:15:00"),
            _ when target == typeof(Uri) => (Uri.TryCreate(raw, UriKind.Absolute, out var u), u, "an absolute URL such as http://127.0.0.1:5080"),
            _ => throw new NotSupportedException($"Settings of type {target} are not supported."),
        };
        value = ok ? parsed : null;
        return ok;
    }
}
