using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CinemaSync.HubProtocol;

public static class HubProtocolSetup
{
    /// <summary>
    /// Adds the MessagePack hub protocol (<c>messagepack</c>) beside JSON, its values written and read
    /// through the JSON protocol's payload options (<see cref="JsonBridgeResolver"/>), so whatever
    /// configures those options (naming, type info) applies to both. For a server or a client.
    /// </summary>
    public static TBuilder AddJsonShapedMessagePack<TBuilder>(this TBuilder builder) where TBuilder : ISignalRBuilder
    {
        builder.AddMessagePackProtocol();
        builder.Services.AddOptions<MessagePackHubProtocolOptions>()
            .Configure<IOptions<JsonHubProtocolOptions>>((messagePack, json) =>
                messagePack.SerializerOptions = JsonBridgeResolver.SerializerOptions(json.Value.PayloadSerializerOptions));
        return builder;
    }
}
