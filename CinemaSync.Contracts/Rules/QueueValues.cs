namespace CinemaSync.Contracts;

/// <summary>The values of the queue's commands beside the movie source (<see cref="MovieSourceValues"/>).</summary>
public static class QueueValues
{
    public const int ItemIdMaxLength = 64;
    public const int MaxIndex = 10_000;

    public static string? IndexProblem(long index) => ValueRules.Between(index, 0, MaxIndex);
}
