namespace CinemaSync.Web.Hosting;

/// <summary>
/// Operator endpoints, each on or off: <c>Endpoints:Metrics</c> (<c>/metrics</c>, Prometheus),
/// <c>Endpoints:OpenApi</c> (<c>/openapi/v1.json</c>) and <c>Endpoints:ApiReference</c>
/// (<c>/scalar</c>). Each defaults to on, except in Production, where it defaults to off.
/// </summary>
public sealed class EndpointOptions
{
    public const string Section = "Endpoints";

    public bool? Metrics { get; set; }
    public bool? OpenApi { get; set; }
    public bool? ApiReference { get; set; }

    public static WebApplicationBuilder AddCinemaSyncEndpointOptions(WebApplicationBuilder builder)
    {
        var defaultOn = !builder.Environment.IsProduction();
        builder.Services.AddOptions<EndpointOptions>()
            .Bind(builder.Configuration.GetSection(Section))
            .PostConfigure(o =>
            {
                o.Metrics ??= defaultOn;
                o.OpenApi ??= defaultOn;
                o.ApiReference ??= defaultOn;
            });
        return builder;
    }
}
