namespace CacheCluster.FaultLoad.Application.Report;

/// <summary>One phase of the run, from its mark to the next, and what the operations that started in it did.</summary>
/// <param name="Name">The name the test gave it.</param>
/// <param name="FromMs">Its start.</param>
/// <param name="ToMs">Its end (the next mark, or the end of the run).</param>
/// <param name="Operations">Operation name (<see cref="AppOperations"/>) to its figures.</param>
/// <param name="FactoryRuns">Factory runs that started in the phase.</param>
/// <param name="FirstClusterSuccessMs">
/// When, from the phase's start on, a call that only the cluster can answer first succeeded: an acknowledged Set, or a
/// Remove that returned (whenever it started); <see langword="null"/> when none did in the phase.
/// </param>
internal sealed record AppPhase(string Name, long FromMs, long ToMs, Dictionary<string, AppOperationFigures> Operations, long FactoryRuns, long? FirstClusterSuccessMs);
