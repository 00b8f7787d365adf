using System.Text.Json;
using CinemaSync.Contracts;

namespace CinemaSync.Web.Api;

/// <summary>
/// Reads a JSON object field by field and collects every problem, so wrongly typed, missing
/// or oversized fields become one <c>invalid_payload</c> answer listing them, never an exception.
/// </summary>
public sealed class PayloadReader
{
    private readonly JsonElement _object;
    private readonly string _prefix;
    private readonly Dictionary<string, string[]> _errors;

    private PayloadReader(JsonElement obj, string prefix, Dictionary<string, string[]> errors)
    {
        _object = obj;
        _prefix = prefix;
        _errors = errors;
    }

    /// <summary>A reader over <paramref name="payload"/>; a non-object payload is itself an error.</summary>
    public static PayloadReader Open(JsonElement payload)
    {
        var errors = new Dictionary<string, string[]>();
        if (payload.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return new PayloadReader(EmptyObject, "", errors);
        if (payload.ValueKind != JsonValueKind.Object)
            errors["$"] = ["The payload must be a JSON object."];
        return new PayloadReader(payload.ValueKind == JsonValueKind.Object ? payload : EmptyObject, "", errors);
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    public bool IsValid => _errors.Count == 0;
    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    /// <summary>The problems in one line, for hub acks.</summary>
    public string Summary => string.Join(" ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    public void Fail(string field, string message) => _errors.TryAdd(_prefix + field, [message]);

    private bool TryGet(string field, bool required, out JsonElement value)
    {
        if (_object.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Fail(field, "is required.");
        return false;
    }

    /// <summary>A string of <paramref name="minLength"/>..<paramref name="maxLength"/> code points that passes <paramref name="check"/> (a value rule).</summary>
    public string? String(string field, bool required = false, int maxLength = 1000, int minLength = 0, bool trim = true,
        Func<string, string?>? check = null)
    {
        if (!TryGet(field, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(field, "must be a string.");
            return null;
        }
        var text = value.GetString()!;
        if (trim) text = text.Trim();
        return Passes(field, ValueRules.Length(text, minLength, maxLength) ?? check?.Invoke(text)) ? text : null;
    }

    private bool Passes(string field, string? problem)
    {
        if (problem is null) return true;
        Fail(field, problem);
        return false;
    }

    public bool? Bool(string field, bool required = false)
    {
        if (!TryGet(field, required, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Fail(field, "must be true or false.");
        return null;
    }

    public double? Number(string field, bool required = false, Func<double, string?>? check = null)
    {
        if (!TryGet(field, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
            return Passes(field, check?.Invoke(number)) ? number : null;
        Fail(field, "must be a finite number.");
        return null;
    }

    public long? Integer(string field, bool required = false, long min = long.MinValue, long max = long.MaxValue) =>
        Integer(field, n => ValueRules.Between(n, min, max), required);

    /// <summary>An integer that passes <paramref name="check"/> (a value rule).</summary>
    public long? Integer(string field, Func<long, string?> check, bool required = false)
    {
        if (!TryGet(field, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            return Passes(field, check(number)) ? number : null;
        Fail(field, "must be an integer.");
        return null;
    }

    /// <summary>A nested object, read with the same error list (fields named <c>parent.child</c>).</summary>
    public PayloadReader? Object(string field, bool required = false)
    {
        if (!TryGet(field, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object) return new PayloadReader(value, $"{_prefix}{field}.", _errors);
        Fail(field, "must be an object.");
        return null;
    }

    /// <summary>
    /// An array of at most <paramref name="maxCount"/> objects, each read with the same error list
    /// (fields named <c>parent[i].child</c>); null when the field is absent or is not such an array.
    /// </summary>
    public IReadOnlyList<PayloadReader>? Objects(string field, int maxCount, bool required = false)
    {
        if (!TryGet(field, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            Fail(field, "must be an array.");
            return null;
        }
        if (value.GetArrayLength() > maxCount)
        {
            Fail(field, $"must have at most {maxCount} entries.");
            return null;
        }
        var items = new List<PayloadReader>();
        foreach (var element in value.EnumerateArray())
        {
            var name = $"{field}[{items.Count}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                Fail(name, "must be an object.");
                return null;
            }
            items.Add(new PayloadReader(element, $"{_prefix}{name}.", _errors));
        }
        return items;
    }

    /// <summary>True when the field is there, even as <c>null</c>.</summary>
    public bool IsPresent(string field) => _object.TryGetProperty(field, out _);

    public bool Has(string field) => _object.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null;
}
