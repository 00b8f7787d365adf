using System.Xml.Linq;
using CinemaSync.Contracts;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// The Data Protection key ring in the grain store (<see cref="IDataProtectionKeysGrain"/>), so every
/// web node of a cluster reads and writes the same keys. <see cref="IXmlRepository"/> is synchronous:
/// the grain call is blocked on from the thread pool. Data Protection calls this from request
/// threads (never from a grain), and its start-up hosted service runs after the silo/client has
/// started (see <see cref="DataProtectionSetup"/>), so nothing waits on itself.
/// </summary>
public sealed class GrainXmlRepository(IGrainFactory grains) : IXmlRepository
{
    private IDataProtectionKeysGrain Keys => grains.GetGrain<IDataProtectionKeysGrain>(IDataProtectionKeysGrain.DefaultKey);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        Task.Run(() => Keys.GetAllAsync()).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        Task.Run(() => Keys.StoreAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting))).GetAwaiter().GetResult();
}
