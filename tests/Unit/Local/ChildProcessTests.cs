using System.Diagnostics;
using Engram.Client;
using Engram.Local;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Runs a second process (the repo's pinned PowerShell, via `dotnet pwsh`) that loads Engram.Local.dll
/// from this test's bin folder and uses the same database file. The child finds no deps.json for our
/// assemblies, so it also exercises the module's native SQLite loading path.
/// </summary>
internal sealed class ChildEngine : IDisposable
{
    private const string Prelude = """
        param([string] $Bin, [string] $Db, [string] $Arg)
        $ErrorActionPreference = 'Stop'
        foreach ($n in 'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3', 'SQLitePCLRaw.batteries_v2', 'Microsoft.Data.Sqlite', 'Microsoft.Extensions.AI.Abstractions', 'Engram.Client', 'Engram.Local') {
            Add-Type -Path (Join-Path $Bin "$n.dll")
        }
        $engine = [Engram.Local.LocalEngine]::Open([Engram.Local.LocalEngineOptions]@{ Path = $Db })
        $svc = $engine.ForTenant('local')
        # Methods are called through reflection: PowerShell's own binder would resolve every member's types.
        function Invoke-Svc([string] $Name, [object[]] $Arguments) {
            [Engram.Local.LocalEngramService].GetMethod($Name).Invoke($svc, $Arguments).GetAwaiter().GetResult()
        }
        $none = [Threading.CancellationToken]::None
        """;

    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly List<string> _errors = new();
    private readonly string _script;

    private ChildEngine(string body, string database, string argument)
    {
        _script = Path.Combine(Path.GetTempPath(), "engram-child-" + Guid.NewGuid().ToString("N") + ".ps1");
        File.WriteAllText(_script, Prelude + "\n" + body);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", _script, "-Bin", AppContext.BaseDirectory, "-Db", database, "-Arg", argument })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (_lines) { _lines.Add(e.Data); Monitor.PulseAll(_lines); } } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (_errors) { _errors.Add(e.Data); } } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static ChildEngine Start(string body, string database, string argument = "") => new(body, database, argument);

    public List<string> Lines
    {
        get { lock (_lines) { return _lines.ToList(); } }
    }

    /// <summary>Waits until the child printed <paramref name="count"/> lines starting with <paramref name="prefix"/>, or exited.</summary>
    public void WaitForLines(string prefix, int count)
    {
        // A deadline, so a child that stalls fails the test with its output instead of hanging the run.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        lock (_lines)
        {
            while (_lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal)) < count && !_process.HasExited)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException(
                        $"The child printed {_lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal))} of {count} '{prefix}' lines within two minutes.\n{Errors}\n{string.Join("\n", _lines.TakeLast(20))}");
                }

                Monitor.Wait(_lines, 200);
            }
        }
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        // Bounded: output readers wait for every holder of the pipe, which a stray grandchild could keep open.
        if (!_process.WaitForExit(30_000))
        {
            throw new TimeoutException("The child engine did not exit within 30 s of being killed.");
        }
    }

    public void WaitForSuccess()
    {
        if (!_process.WaitForExit(120_000))
        {
            Kill();
            throw new TimeoutException("The child engine did not finish within two minutes.");
        }

        _process.WaitForExit(); // flushes the async readers
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The child engine failed ({_process.ExitCode}): {string.Join("\n", _errors)}\n{string.Join("\n", Lines)}");
        }
    }

    public bool HasExited => _process.HasExited;

    public string Errors
    {
        get { lock (_errors) { return string.Join("\n", _errors); } }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        File.Delete(_script);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with .config/dotnet-tools.json for `dotnet pwsh`) was not found above " + AppContext.BaseDirectory);
    }
}

public class ChildProcessTests
{
    [Fact]
    public async Task Every_acknowledged_write_survives_a_killed_process_and_the_file_stays_intact()
    {
        using var folder = new TempFolder();
        var db = folder.File();
        using (Engines.OnFile(folder))
        {
            // Create the file and schema up front so the child starts writing at once.
        }

        const string body = """
            for ($i = 0; $i -lt 1000000; $i++) {
                $r = Invoke-Svc 'StoreMemoryAsync' @('crash', "Crash test memory number $i, stored before the kill.", [Engram.Client.DedupPolicy]::Loose, $none)
                [Console]::Out.WriteLine('ACK ' + $r.Id)
                [Console]::Out.Flush()
            }
            """;
        List<string> acknowledged;
        using (var child = ChildEngine.Start(body, db))
        {
            child.WaitForLines("ACK ", 60);
            Assert.False(child.HasExited, "The child stopped before it was killed: " + child.Errors);
            child.Kill();
            acknowledged = child.Lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)).Select(l => l.Substring(4)).ToList();
        }

        Assert.True(acknowledged.Count >= 60);
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
            check.CommandText = "SELECT rowid FROM buckets WHERE name = 'crash';";
            var table = "memories_fts_" + check.ExecuteScalar();
            check.CommandText = $"INSERT INTO {table} ({table}) VALUES ('integrity-check');"; // FTS index matches its table
            check.ExecuteNonQuery();
        }

        using var engine = Engines.OnFile(folder);
        using var service = engine.ForTenant(LocalEngine.DefaultTenant);
        var stored = new HashSet<string>();
        var total = (await service.ListMemoriesAsync("crash", 100)).Total;
        for (var offset = 0; offset < total; offset += 100)
        {
            foreach (var memory in (await service.ListMemoriesAsync("crash", 100, offset)).Memories)
            {
                stored.Add(memory.Id);
            }
        }

        Assert.Equal(total, stored.Count);
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
    }

    [Fact]
    public async Task A_re_embed_killed_midway_loses_nothing_leaves_the_store_usable_and_resumes()
    {
        using var folder = new TempFolder();
        var db = folder.File();
        var contents = Enumerable.Range(0, 2000).Select(i => $"Inventory note {i}: crate {i} of tulip bulbs is on shelf {i % 40}.").ToList();
        using (var engine = Engines.OnFile(folder))
        {
            await engine.ForTenant(LocalEngine.DefaultTenant).StoreMemoriesAsync("stock", contents, DedupPolicy.Off);
        }

        const string body = """
            $engine.Dispose()
            $opts = [Engram.Local.LocalEngineOptions]@{ Path = $Db }
            $opts.Embedder = [Engram.Local.HashingEmbedder]::new(128)
            $ro = [Engram.Local.ReembedOptions]::new()
            $ro.BatchSize = 20
            $ro.Progress = [Action[Engram.Local.ReembedProgress]] {
                param($p)
                [Console]::Out.WriteLine('PROGRESS ' + $p.Done)
                [Console]::Out.Flush()
                Start-Sleep -Milliseconds 50
            }
            [Engram.Local.LocalEngine].GetMethod('ReembedAsync').Invoke($null, @($opts, $ro, $none)).GetAwaiter().GetResult() | Out-Null
            [Console]::Out.WriteLine('FINISHED')
            """;
        using (var child = ChildEngine.Start(body, db))
        {
            child.WaitForLines("PROGRESS ", 10);
            Assert.False(child.HasExited, "The child stopped before it was killed: " + child.Errors);
            child.Kill();
            Assert.DoesNotContain("FINISHED", child.Lines);
        }

        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
            check.CommandText = "SELECT count(*) FROM reembed_vectors;";
            Assert.InRange((long)check.ExecuteScalar()!, 180, 1999);
        }

        // Still the old embedder's store: everything there, queries and writes work.
        using (var old = Engines.OnFile(folder))
        using (var service = old.ForTenant(LocalEngine.DefaultTenant))
        {
            Assert.Equal(2000, (await service.ListMemoriesAsync("stock")).Total);
            Assert.Contains("crate 77 ", (await service.QueryAsync(new QueryRequest("crate 77 of tulip bulbs", "stock"))).Explanation!.RetrievedMemories[0].Content);
        }

        var resumed = await LocalEngine.ReembedAsync(new LocalEngineOptions { Path = db, Embedder = new HashingEmbedder(128) });

        Assert.InRange(resumed.ResumedWith, 180, 1999);
        Assert.Equal(2000, resumed.ResumedWith + resumed.Embedded);
        using var reopened = Engines.OnFile(folder, new HashingEmbedder(128));
        using var after = reopened.ForTenant(LocalEngine.DefaultTenant);
        Assert.Equal(2000, (await after.ListMemoriesAsync("stock")).Total);
        Assert.Contains("crate 1999 ", (await after.QueryAsync(new QueryRequest("crate 1999 of tulip bulbs", "stock"))).Explanation!.RetrievedMemories[0].Content);
    }

    [Fact]
    public async Task Two_processes_share_one_file_and_the_vector_cache_sees_the_other_process()
    {
        using var folder = new TempFolder();
        var db = folder.File();
        using var engine = Engines.OnFile(folder);
        using var service = engine.ForTenant(LocalEngine.DefaultTenant);
        await service.StoreMemoriesAsync("shared", new[] { "Parent fact: apples are stored in the cellar.", "Parent fact: the cellar door squeaks." });
        var doomed = await service.StoreMemoryAsync("shared", "Parent fact: the old cellar key is under the mat.");
        Assert.Equal(3, (await service.QueryAsync(new QueryRequest("cellar", "shared"))).MemoriesFound); // loads the cache
        Assert.Equal(0, (await service.QueryAsync(new QueryRequest("bananas ripening", "shared"))).MemoriesFound);

        const string body = """
            $r = Invoke-Svc 'StoreMemoryAsync' @('shared', 'Child fact: bananas are ripening on the kitchen shelf.', $null, $none)
            [Console]::Out.WriteLine('STORED ' + $r.Id)
            Invoke-Svc 'DeleteMemoryAsync' @('shared', $Arg, $none) | Out-Null
            [Console]::Out.WriteLine('DELETED')
            $engine.Dispose()
            """;
        string childId;
        using (var child = ChildEngine.Start(body, db, doomed.Id))
        {
            child.WaitForSuccess();
            childId = child.Lines.Single(l => l.StartsWith("STORED ", StringComparison.Ordinal)).Substring(7);
        }

        var bananas = await service.QueryAsync(new QueryRequest("bananas ripening", "shared"));
        var cellar = await service.QueryAsync(new QueryRequest("cellar", "shared"));
        var nearCopy = await service.StoreMemoryAsync("shared", "Child fact: bananas are ripening on the kitchen shelf!");

        Assert.Equal(childId, Assert.Single(bananas.Explanation!.RetrievedMemories).MemoryId);
        Assert.Equal(2, cellar.MemoriesFound);
        Assert.DoesNotContain(cellar.Explanation!.RetrievedMemories, m => m.MemoryId == doomed.Id);
        Assert.Equal("embedding_similarity", nearCopy.MergeReason);
        Assert.Equal(childId, nearCopy.Id);
    }

    [Fact]
    public void Without_a_deps_json_the_native_library_is_loaded_from_the_runtimes_folder_next_to_the_assembly()
    {
        using var folder = new TempFolder();
        const string body = """
            $loader = [Engram.Local.LocalEngine].Assembly.GetType('Engram.Local.Storage.SqliteNativeLoader')
            [Console]::Out.WriteLine('NATIVE ' + $loader.GetProperty('LoadedFrom', [Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null))
            $engine.Dispose()
            """;
        using var child = ChildEngine.Start(body, folder.File());
        child.WaitForSuccess();

        var loadedFrom = child.Lines.Single(l => l.StartsWith("NATIVE ", StringComparison.Ordinal)).Substring(7);
        var expected = Path.Combine(AppContext.BaseDirectory, "runtimes");
        Assert.StartsWith(Path.GetFullPath(expected), Path.GetFullPath(loadedFrom));
        Assert.Contains(Path.Combine("native", OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so"), loadedFrom);
    }
}
