using CinemaSync.Contracts;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CinemaSync.Web.Health;

/// <summary>
/// Diagnostics for operators and the failover tests: which silo hosts a room right now and
/// which silos are active. On in Development, elsewhere only with <c>Orleans:DiagnosticsEndpoint=true</c>;
/// needs a token.
/// </summary>
public static class ClusterApi
{
    public sealed record RoomPlacement(string RoomId, string? Silo, int? SiloPort);

    public sealed record ClusterBody(string Mode, int ConnectedGateways, IReadOnlyList<string> ActiveSilos);

    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        var settings = app.ServiceProvider.GetRequiredService<ClusterDescription>().Settings;
        if (!(settings.DiagnosticsEndpoint ?? environment.IsDevelopment())) return app;
        var group = app.MapGroup("/api/cluster").RequireAuthorization().WithTags("Cluster");
        group.MapGet("/", GetCluster);
        group.MapGet("/rooms/{roomId}", GetRoom);
        return app;
    }

    private static async Task<Ok<ClusterBody>> GetCluster(IGrainFactory grains, ClusterDescription cluster, ClusterConnectionState connection)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return TypedResults.Ok(new ClusterBody(cluster.Mode, connection.ConnectedGateways,
            hosts.Keys.Select(s => s.Endpoint.ToString()).Order().ToList()));
    }

    /// <summary>The silo holding the room's activation, or nulls when it is not active anywhere.</summary>
    private static async Task<Ok<RoomPlacement>> GetRoom(string roomId, IGrainFactory grains)
    {
        var silo = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grains.GetGrain<IRoomGrain>(roomId));
        return TypedResults.Ok(new RoomPlacement(roomId, silo?.Endpoint.ToString(), silo?.Endpoint.Port));
    }
}
