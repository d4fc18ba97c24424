using System.Runtime.InteropServices;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>Start-up and storage faults that name the file and say what to do (issue 13).</summary>
public sealed class StorageFaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "engram-faults-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_with_its_path()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "notes.db");
        File.WriteAllText(path, new string('x', 8192));

        var error = Assert.ThrowsAny<IOException>(() => LocalEngine.Open(new LocalEngineOptions { Path = path }));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_corrupted_database_is_detected_when_opened_and_refused_with_its_path()
    {
        var path = Path.Combine(_folder, "engram.db");
        using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = path }))
        {
            var tenant = engine.ForTenant("t");
            for (var i = 0; i < 200; i++)
            {
                tenant.StoreMemoryAsync("b", "fact number " + i + " " + new string('z', 400)).GetAwaiter().GetResult();
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // Scribble over pages past the header (page 1 stays intact, so SQLite still recognizes the file).
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var junk = Enumerable.Repeat((byte)0xA5, 4096 * 6).ToArray();
            file.Seek(4096 * 3, SeekOrigin.Begin);
            file.Write(junk, 0, junk.Length);
        }

        var error = Assert.ThrowsAny<IOException>(() => LocalEngine.Open(new LocalEngineOptions { Path = path }));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_file_unchanged_since_its_clean_close_opens_without_reading_every_page()
    {
        var path = Path.Combine(_folder, "engram.db");
        StoreFacts(path, 50);

        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = path });

        Assert.False(engine.Database.Checked);
        Assert.Equal(50, engine.ForTenant("t").ListMemoriesAsync("b", 100).GetAwaiter().GetResult().Memories.Count);
    }

    [Fact]
    public void A_file_written_by_another_program_after_its_clean_close_is_checked_again()
    {
        var path = Path.Combine(_folder, "engram.db");
        StoreFacts(path, 20);
        using (var other = OtherConnection(path))
        {
            Run(other, "CREATE TABLE IF NOT EXISTS elsewhere (x INTEGER); INSERT INTO elsewhere VALUES (1);");
        }

        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = path });

        Assert.True(engine.Database.Checked);
    }

    [Fact]
    public void A_file_still_open_elsewhere_when_an_engine_closes_is_checked_at_the_next_open()
    {
        var path = Path.Combine(_folder, "engram.db");
        StoreFacts(path, 20);
        using (var other = OtherConnection(path))
        {
            // SQLite opens the log on first use: a read makes this connection share it.
            Run(other, "SELECT count(*) FROM memories;");

            using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = path }))
            {
                engine.ForTenant("t").StoreMemoryAsync("b", "written while another connection holds the log").GetAwaiter().GetResult();
            }

            // The engine closed with the log still in use: it must not vouch for the file.
            Assert.False(File.Exists(path + ".closed"));
        }

        using var reopened = LocalEngine.Open(new LocalEngineOptions { Path = path });

        Assert.True(reopened.Database.Checked);
    }

    [Fact]
    public void The_database_file_is_0600_and_its_new_folder_0700_whatever_the_umask()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }

        var path = Path.Combine(_folder, "nested", "engram.db");
        using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = path }))
        {
            engine.ForTenant("t").StoreMemoryAsync("b", "a fact").GetAwaiter().GetResult();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + "-wal"));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task Bucket_names_of_only_whitespace_and_oversized_descriptions_are_refused()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
        var tenant = engine.ForTenant("t");

        var blank = await Assert.ThrowsAsync<Engram.Client.EngramException>(() => tenant.CreateBucketAsync("   "));
        var huge = await Assert.ThrowsAsync<Engram.Client.EngramException>(() => tenant.CreateBucketAsync("fine", new string('d', 15 * 1024 * 1024)));

        Assert.Equal(400, blank.Status);
        Assert.Equal(400, huge.Status);
        Assert.DoesNotContain(await tenant.ListBucketsAsync(), b => b.Name == "fine");
    }

    [Fact]
    public void A_folder_given_as_the_database_path_is_refused_with_its_path_and_what_to_pass_instead()
    {
        var path = Path.Combine(_folder, "engram.db");
        Directory.CreateDirectory(path);

        var error = Assert.ThrowsAny<IOException>(() => LocalEngine.Open(new LocalEngineOptions { Path = path }));

        Assert.Contains(path, error.Message);
        Assert.Contains("is a folder", error.Message);
        Assert.Contains(Path.Combine(path, "engram.db"), error.Message);
    }

    [Fact]
    public void A_database_that_cannot_be_created_is_refused_with_its_path_and_what_to_check()
    {
        // A regular file where the database's folder should be: the folder cannot be created, even by root.
        Directory.CreateDirectory(_folder);
        var blocker = Path.Combine(_folder, "not-a-folder");
        File.WriteAllText(blocker, "x");
        var path = Path.Combine(blocker, "engram.db");

        var error = Assert.ThrowsAny<IOException>(() => LocalEngine.Open(new LocalEngineOptions { Path = path }));

        Assert.StartsWith("Cannot create the Engram database " + path, error.Message);
        Assert.Contains("Check that", error.Message);
    }

    private static Microsoft.Data.Sqlite.SqliteConnection OtherConnection(string path)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Run(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void StoreFacts(string path, int count)
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = path });
        var tenant = engine.ForTenant("t");
        for (var i = 0; i < count; i++)
        {
            tenant.StoreMemoryAsync("b", "fact number " + i + " about the clean close").GetAwaiter().GetResult();
        }
    }
}
