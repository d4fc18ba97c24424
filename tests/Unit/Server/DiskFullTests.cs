using System.Diagnostics;
using System.Text.Json;
using Engram.Client;
using Engram.Local;
using Engram.Tests.Unit.Server.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// A database on a disk that fills up (issue 13): a small tmpfs mounted for the test, a real SQLite file on it,
/// the engine over real loopback HTTP. Skipped, with the reason, where mounting is not permitted.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "engram-diskfull-" + Guid.NewGuid().ToString("N"));
    private bool _mounted;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (_mounted)
        {
            Run("umount", _folder, out _);
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    [SkippableFact]
    public async Task A_full_disk_answers_507_JSON_with_what_to_do_stores_nothing_of_the_failed_batch_and_keeps_serving_reads()
    {
        MountSmallDisk();
        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = Path.Combine(_folder, "engram.db") });
        using var h = ServerHarness.Start(engine: engine);
        Assert.Equal(200, (await h.PostAsync("/v1/buckets/full/memories", "{\"content\":\"The deploy window is Tuesday at 09:00.\"}")).Status);

        // Batches of 100 distinct ~8 KB memories until the disk is full: at most 60 (48 MB; the disk has 4 MB).
        WireResponse? refused = null;
        var storedBatches = 0;
        for (var batch = 0; batch < 60 && refused == null; batch++)
        {
            var response = await h.PostAsync("/v1/buckets/full/memories", BatchBody(batch));
            if (response.Status == 200)
            {
                storedBatches++;
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        Assert.True(refused!.Status == 507, refused.Status + " " + refused.Body);
        Assert.StartsWith("application/json", refused.ContentHeaders.ContentType?.ToString());
        Assert.Equal(EngramErrorCodes.InsufficientStorage, refused.Json.GetProperty("code").GetString());
        Assert.Contains("Free space", refused.Json.GetProperty("error").GetString());

        // Nothing half-stored: the bucket holds the first memory and whole batches only.
        var page = await h.GetAsync("/v1/buckets/full/memories?limit=1");
        Assert.Equal(200, page.Status);
        Assert.Equal(1 + (storedBatches * 100), page.Json.GetProperty("total").GetInt32());

        // Reads go on: bucket list, listing, query.
        Assert.Equal(200, (await h.GetAsync("/v1/buckets")).Status);
        var query = await h.PostAsync("/v1/query", "{\"query\":\"When is the deploy window?\",\"buckets\":[\"full\"],\"options\":{\"top_k\":3}}");
        Assert.True(query.Status == 200, query.Body);
        Assert.Contains("Tuesday", query.Body);

        // In-process, the same refusal as an EngramException.
        var error = await Assert.ThrowsAsync<EngramException>(() => h.Tenant.StoreMemoriesAsync("full", Contents(999), DedupPolicy.Off));
        Assert.Equal(507, error.Status);
        Assert.Equal(EngramErrorCodes.InsufficientStorage, error.Code);
        Assert.Equal(1 + (storedBatches * 100), (await h.Tenant.ListMemoriesAsync("full", 1)).Total);
    }

    private static List<string> Contents(int batch) =>
        Enumerable.Range(0, 100).Select(i => "Filler " + batch + "-" + i + ": " + string.Join(" ", Enumerable.Range(0, 900).Select(j => "w" + batch + "x" + i + "y" + j))).ToList();

    private static string BatchBody(int batch) =>
        JsonSerializer.Serialize(new { memories = Contents(batch).Select(c => new { content = c }), dedup = "off" });

    private void MountSmallDisk()
    {
        Skip.If(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS(), "needs a Linux tmpfs mount");
        Directory.CreateDirectory(_folder);
        var ok = Run("mount", "-t tmpfs -o size=4m,mode=0700 tmpfs " + _folder, out var why);
        Skip.IfNot(ok, "cannot mount a 4 MB tmpfs here (needs root or CAP_SYS_ADMIN): " + why);
        _mounted = true;
    }

    private static bool Run(string file, string arguments, out string output)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            output = ex.Message;
            return false;
        }
    }
}
