using System.Globalization;
using System.Text.RegularExpressions;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>Reads a server's <c>/metrics</c> (Prometheus text).</summary>
public static class PrometheusScrape
{
    /// <summary>The sum of the metric's samples over all its label sets; 0 when it is absent.</summary>
    public static async Task<double> SumAsync(HttpClient http, string metric)
    {
        var text = await http.GetStringAsync("/metrics");
        return Regex.Matches(text, $@"^{Regex.Escape(metric)}(\{{[^}}]*\}})? ([0-9.eE+-]+)", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }
}
