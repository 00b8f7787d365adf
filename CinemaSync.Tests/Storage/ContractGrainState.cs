using System.Diagnostics.CodeAnalysis;
using Orleans;

namespace CinemaSync.Tests.Storage;

/// <summary>
/// The <see cref="IGrainState{T}"/> the contract tests hand to a provider (Orleans'
/// <c>GrainState&lt;T&gt;</c> declares <c>State</c> as possibly null, which clutters the asserts).
/// </summary>
public sealed class ContractGrainState : IGrainState<ContractState>
{
    public ContractGrainState(ContractState? state = null, string? etag = null)
    {
        _state = state ?? new ContractState();
        ETag = etag;
    }

    private ContractState _state;

    /// <summary>The state; a provider setting null would leave a fresh default instance.</summary>
    [AllowNull]
    public ContractState State
    {
        get => _state;
        set => _state = value ?? new ContractState();
    }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
