namespace CinemaSync.Tests.Storage;

/// <summary>A fact skipped when the tests run as root (where file permissions do not stop writes).</summary>
public sealed class NotRootFactAttribute : FactAttribute
{
    public NotRootFactAttribute()
    {
        if (Environment.IsPrivilegedProcess)
            Skip = "Runs as root, where chmod does not make a file unwritable.";
    }
}
