using System.Reflection;
using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;

namespace CinemaSync.Tests.Architecture;

/// <summary>
/// The boundaries the compiler enforces: the grains project shows a web node only its hosting
/// surface (everything else is internal), and the contracts carry no runtime.
/// </summary>
public sealed class ProjectBoundaryTests
{
    [Fact]
    public void Grains_ExportOnlyTheirHostingSurface()
    {
        var exported = typeof(StartupGuard).Assembly.GetExportedTypes()
            .Where(type => type.Namespace != "CinemaSync.Grains.Hosting" && !type.Namespace!.StartsWith("OrleansCodeGen", StringComparison.Ordinal))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(exported);
    }

    [Fact]
    public void Contracts_ReferenceNeitherTheOrleansRuntimeNorAspNetCore()
    {
        var references = typeof(IRoomGrain).Assembly.GetReferencedAssemblies().Select(name => name.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name is "Orleans.Runtime" or "Orleans.Server" or "CinemaSync.Grains");
    }
}
