using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engram.Client;
using Xunit;

namespace Engram.Tests.Unit.Conformance;

/// <summary>
/// One scripted session run in-process and over HTTP; the two transcripts of everything observable
/// (results, errors, stream events) must be identical once ids are numbered by first appearance and
/// timestamps masked. Error messages are compared without the HTTP client's "Engram API &lt;status&gt;: " prefix.
/// </summary>
public class TranscriptConformanceTests
{
    [Fact]
    public async Task A_whole_session_is_observably_identical_in_process_and_over_http()
    {
        using var inProcess = ServiceUnderTest.InProcess();
        using var overHttp = ServiceUnderTest.OverHttp();

        var expected = await RunSessionAsync(inProcess);
        var actual = await RunSessionAsync(overHttp);

        Assert.Equal(expected, actual);
        Assert.Contains("merged", expected);
        Assert.Contains("error 404 BUCKET_NOT_FOUND", expected);
        Assert.Contains("delta ", expected);
    }

    private static async Task<string> RunSessionAsync(ServiceUnderTest sut)
    {
        var s = sut.Service;
        var log = new Transcript();

        await log.Step("store", () => s.StoreMemoryAsync("user-123", "User prefers dark mode in every editor."));
        await log.Step("store again", () => s.StoreMemoryAsync("user-123", "User prefers dark mode in every editor."));
        await log.Step("store strict", () => s.StoreMemoryAsync("user-123", "User prefers dark mode in every editor!", DedupPolicy.Strict));
        await log.Step("batch", () => s.StoreMemoriesAsync("work", new[] { "Project Alpha deadline is 2026-10-15.", "Standup is at 09:30 CET.", "Café ☕ costs 3 € at the office." }));
        await log.Step("odd bucket", () => s.StoreMemoryAsync("a+b@c:d it's(1)!*~é/x%", "odd names work"));
        // Items of one batch share a timestamp and tie-break on random ids, so a page is compared as a set.
        await log.Step("list", async () =>
        {
            var page = await s.ListMemoriesAsync("work", 3, 0);
            return new { page.Total, page.Limit, page.Offset, Memories = page.Memories.OrderBy(m => m.Content, StringComparer.Ordinal) };
        });
        await log.Step("buckets", () => s.ListBucketsAsync());
        await log.Step("create", () => s.CreateBucketAsync("team", "shared"));
        await log.Step("create dup", () => s.CreateBucketAsync("team"));
        await log.Step("delete missing bucket", async () => { await s.DeleteBucketAsync("nope"); return "done"; });
        await log.Step("profile", () => s.GetProfileAsync("user-123"));
        await log.Step("regenerate", () => s.RegenerateProfileAsync("user-123"));
        await sut.InstallProfilerAsync("user-123");
        await log.Step("regenerate installed", () => s.RegenerateProfileAsync("user-123"));
        await log.Step("query", () => s.QueryAsync(new QueryRequest("Does the user prefer dark mode? When is the deadline?", "user-123", "work")));
        await log.Step("query json", () => s.QueryAsync(new QueryRequest("deadline", "work") { ReturnFormat = ReturnFormat.Json, TopKPerBucket = 1 }));
        await log.Step("query filtered", () => s.QueryAsync(new QueryRequest("Project Alpha deadline", "work") { MinWeightedScore = 0.99, SkipSynthesis = true }));
        await log.Stream("stream", s.QueryStreamAsync(new QueryRequest("What does the user prefer?", "user-123")));
        var first = (await s.ListMemoriesAsync("work", 10, 0)).Memories.Single(m => m.Content.StartsWith("Standup", StringComparison.Ordinal)).Id;
        await log.Step("delete memory", async () => { await s.DeleteMemoryAsync("work", first); return "done"; });
        await log.Step("delete memory again", async () => { await s.DeleteMemoryAsync("work", first); return "done"; });
        await log.Step("clear", () => s.ClearMemoriesAsync("work"));
        await log.Step("too large", () => s.StoreMemoryAsync("work", new string('z', EngramLimits.MaxContentLength + 1)));
        await log.Step("after", () => s.ListBucketsAsync());
        return log.ToString();
    }

    private sealed class Transcript
    {
        private static readonly Regex Uuid = new("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.Compiled);
        private static readonly Regex Timestamp = new(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", RegexOptions.Compiled);
        private static readonly Regex HttpPrefix = new(@"^Engram API \d+: ", RegexOptions.Compiled);
        private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

        private readonly StringBuilder _text = new();
        private readonly Dictionary<string, string> _ids = new();

        public async Task Step<T>(string name, Func<Task<T>> call)
        {
            try
            {
                Line(name + " → " + JsonSerializer.Serialize(await call(), Json));
            }
            catch (EngramException e)
            {
                Line(name + " → error " + e.Status + " " + e.Code + " " + HttpPrefix.Replace(e.Message, ""));
            }
        }

        public async Task Stream(string name, QueryStream stream)
        {
            await foreach (var e in stream)
            {
                Line(name + " → " + (e.Type == QueryStreamEventType.Delta ? "delta " + e.Content : "done " + JsonSerializer.Serialize(e.Final, Json)));
            }

            Line(name + " → completed " + stream.Completed);
        }

        public override string ToString() => _text.ToString();

        private void Line(string text)
        {
            text = Timestamp.Replace(text, "<time>");
            text = Uuid.Replace(text, m => _ids.TryGetValue(m.Value, out var n) ? n : _ids[m.Value] = "<id" + _ids.Count + ">");
            _text.Append(text).Append('\n');
        }
    }
}
