using Backupd.Master.Application;

namespace Backupd.Dashboard.Components.Shared;

/// <summary>
/// A refusal of the application layer shown on the form: each field's error under that field, in
/// the words the API gives, and what names no field of the form at the top.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string> _byField = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _fieldsOnForm = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The problem's title and the errors no field of the form shows; null when there are none.</summary>
    public string? Summary { get; private set; }

    /// <summary>Whether anything is wrong.</summary>
    public bool Any => Summary is not null || _byField.Count > 0;

    /// <summary>The fields the form has, as the API names them (<c>name</c>, <c>retention</c>…).</summary>
    public FieldErrors For(params string[] fields)
    {
        _fieldsOnForm.UnionWith(fields);
        return this;
    }

    /// <summary>Shows <paramref name="problem"/>.</summary>
    public void Show(Problem problem)
    {
        Clear();
        var elsewhere = new List<string>();
        foreach (var error in problem.Errors)
        {
            var field = FormField(error.Field);
            if (field is not null && !_byField.ContainsKey(field))
            {
                _byField[field] = Sentence(error.Field, error.Message);
            }
            else
            {
                elsewhere.Add(Sentence(error.Field, error.Message));
            }
        }

        Summary = problem.Errors.Count == 0 ? $"{problem.Title}: {problem.Detail}"
            : elsewhere.Count > 0 ? $"{problem.Title}: {string.Join(" ", elsewhere)}"
            : null;
    }

    /// <summary>One field's error, set by the form itself.</summary>
    public void Set(string field, string message) => _byField[field] = message;

    /// <summary>Forgets every error.</summary>
    public void Clear()
    {
        _byField.Clear();
        Summary = null;
    }

    /// <summary>The error under <paramref name="field"/>, or null.</summary>
    public string? this[string field] => _byField.GetValueOrDefault(field);

    // "config.path" shows under "config"; a field the form does not have goes to the summary.
    private string? FormField(string field)
    {
        if (_fieldsOnForm.Contains(field))
        {
            return field;
        }

        var head = field.Split('.', '[')[0];
        return _fieldsOnForm.Contains(head) ? head : null;
    }

    private static string Sentence(string field, string message)
    {
        var text = $"{field} {message}".Trim();
        return text.EndsWith('.') ? text : text + ".";
    }
}
