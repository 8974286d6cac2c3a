using System.Text.Json;

namespace CacheCluster.FaultLoad.Recording;

/// <summary>The JSON settings of the result file, for the writer and the tests that read it.</summary>
internal static class LoadReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
