using System.Text.Json;
using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// Streamed queries as wire spec §8.1 requires of servers: framing byte for byte, incremental delivery,
/// pre-stream failures as JSON, injected mid-stream failures, and a client that walks away.
/// </summary>
public class ServerStreamingTests
{
    private const string StreamBody =
        "{\"query\":\"What does the user prefer and when is the deadline?\",\"buckets\":[\"work\"],\"stream\":true," +
        "\"options\":{\"top_k\":8,\"return_explanation\":true,\"skip_synthesis\":false}}";

    private static readonly string[] FinalFrameKeys = { "success", "answer", "answer_json", "memories_found", "usage", "synthesis_usage", "explanation" };

    private static async Task<ServerHarness> SeededAsync(Action<Engram.Server.LocalServerOptions>? configure = null)
    {
        var h = ServerHarness.Start(o =>
        {
            o.PausedStreamKeepAliveInterval = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(o);
        });
        await h.PostAsync("/v1/buckets/work/memories",
            "{\"memories\":[{\"content\":\"User prefers dark mode in every editor they use at work.\"}," +
            "{\"content\":\"Project Alpha deadline is 2026-10-15 and the user owns the release plan.\"}," +
            "{\"content\":\"The user prefers short written status updates over long meetings.\"}]}");
        return h;
    }

    private static JsonElement Data(string frame)
    {
        Assert.StartsWith("data: ", frame);
        return JsonDocument.Parse(frame.Substring("data: ".Length)).RootElement;
    }

    private static bool IsDelta(string frame) => frame.StartsWith("data: {", StringComparison.Ordinal) && frame.Contains("\"choices\"") && !frame.Contains("\"finish_reason\":\"stop\"");

    [Theory]
    [InlineData(ClientStyle.Go, "text/event-stream")]
    [InlineData(ClientStyle.Python, "text/event-stream")]
    [InlineData(ClientStyle.JavaScript, "text/event-stream")]
    [InlineData(ClientStyle.Go, "application/json")]
    [InlineData(ClientStyle.JavaScript, "")]
    public async Task A_stream_is_framed_exactly_as_every_official_client_parses_it(ClientStyle style, string accept)
    {
        using var h = await SeededAsync();
        var buffered = (await h.PostAsync("/v1/query", StreamBody.Replace(",\"stream\":true", ""))).Json;

        using var sse = await SseFrameReader.OpenAsync(h, StreamBody, style, accept);
        var frames = await sse.RestAsync();
        var raw = sse.Received.ToString();

        Assert.Equal(200, (int)sse.Response.StatusCode);
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-cache", sse.Response.Headers.CacheControl!.ToString());
        Assert.Equal("no", string.Join(",", sse.Response.Headers.GetValues("X-Accel-Buffering")));

        Assert.DoesNotContain('\r', raw);
        Assert.StartsWith(": keep-alive\n\n", raw);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        Assert.Equal("data: [DONE]", frames[^1]);
        Assert.All(frames.Skip(1), f => Assert.StartsWith("data: ", f));
        Assert.All(frames, f => Assert.DoesNotContain('\n', f));

        var deltas = frames.Where(IsDelta).Select(Data).ToList();
        Assert.True(deltas.Count >= 2, "expected the answer in several deltas, got " + deltas.Count);
        var completionId = deltas[0].GetProperty("id").GetString();
        Assert.StartsWith("chatcmpl-", completionId);
        Assert.All(deltas, d =>
        {
            Assert.Equal(completionId, d.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", d.GetProperty("object").GetString());
            var choice = d.GetProperty("choices")[0];
            Assert.Equal(0, choice.GetProperty("index").GetInt32());
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
            Assert.False(string.IsNullOrEmpty(choice.GetProperty("delta").GetProperty("content").GetString()));
        });

        var stop = Data(frames[^3]);
        Assert.Equal("stop", stop.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Empty(stop.GetProperty("choices")[0].GetProperty("delta").EnumerateObject());

        var final = Data(frames[^2]);
        Assert.All(final.EnumerateObject(), p => Assert.Contains(p.Name, FinalFrameKeys));
        foreach (var required in new[] { "answer", "memories_found", "usage", "synthesis_usage", "explanation" })
        {
            Assert.True(final.TryGetProperty(required, out _), required + " missing from the final frame");
        }

        var assembled = string.Concat(deltas.Select(d => d.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(buffered.GetProperty("answer").GetString(), assembled);
        Assert.Equal(assembled, final.GetProperty("answer").GetString());
        Assert.Equal(buffered.GetProperty("memories_found").GetInt32(), final.GetProperty("memories_found").GetInt32());
        Assert.Equal(frames.Count, 1 + deltas.Count + 3);
    }

    [Fact]
    public async Task Retrieval_only_streams_send_just_the_final_frame_and_json_mode_adds_answer_json()
    {
        using var h = await SeededAsync();

        using var retrieval = await SseFrameReader.OpenAsync(h, "{\"query\":\"dark mode\",\"bucket\":\"work\",\"stream\":true,\"options\":{\"skip_synthesis\":true}}");
        var retrievalFrames = await retrieval.RestAsync();
        using var json = await SseFrameReader.OpenAsync(h, "{\"query\":\"dark mode\",\"bucket\":\"work\",\"stream\":true,\"options\":{\"return_format\":\"json\"}}");
        var jsonFrames = await json.RestAsync();

        Assert.Equal(3, retrievalFrames.Count);
        Assert.Equal(": keep-alive", retrievalFrames[0]);
        Assert.Equal("", Data(retrievalFrames[1]).GetProperty("answer").GetString());
        Assert.Equal("data: [DONE]", retrievalFrames[2]);
        Assert.True(Data(jsonFrames[^2]).TryGetProperty("answer_json", out _));
    }

    [Fact]
    public async Task Frames_arrive_one_by_one_while_the_server_is_still_working()
    {
        using var h = await SeededAsync(o => o.Faults.PauseStreamsAfterFirstDelta = true);

        using var sse = await SseFrameReader.OpenAsync(h, StreamBody);
        var first = await sse.NextDataAsync();
        // The server is held after its first delta and says so with keep-alive comments: the delta
        // was delivered before the rest of the answer existed on the wire.
        var whilePaused = await sse.NextAsync();
        h.Options.Faults.ReleasePausedStreams();
        var rest = await sse.RestAsync();

        Assert.True(IsDelta(first!));
        Assert.Equal(": keep-alive", whilePaused);
        Assert.DoesNotContain("[DONE]", sse.Received.ToString().Substring(0, sse.Received.ToString().IndexOf(": keep-alive", 16, StringComparison.Ordinal)));
        Assert.Equal("data: [DONE]", rest[^1]);
        Assert.Contains(rest, IsDelta);
    }

    [Fact]
    public async Task An_injected_mid_stream_error_is_one_string_error_frame_after_one_delta_and_no_done()
    {
        using var h = await SeededAsync(o =>
        {
            o.Faults.MidStreamError = true;
            o.Faults.MidStreamErrorMessage = "Synthesis provider timed out";
        });

        using var sse = await SseFrameReader.OpenAsync(h, StreamBody);
        var frames = await sse.RestAsync();

        Assert.Equal(200, (int)sse.Response.StatusCode);
        Assert.Equal(3, frames.Count);
        Assert.Equal(": keep-alive", frames[0]);
        Assert.True(IsDelta(frames[1]));
        Assert.Equal("data: {\"error\":\"Synthesis provider timed out\"}", frames[2]);
        Assert.EndsWith("\n\n", sse.Received.ToString());
    }

    [Fact]
    public async Task An_injected_truncation_closes_after_one_delta_without_final_frame_or_done()
    {
        using var h = await SeededAsync(o => o.Faults.TruncateStream = true);

        using var sse = await SseFrameReader.OpenAsync(h, StreamBody);
        var frames = await sse.RestAsync();

        Assert.Equal(2, frames.Count);
        Assert.Equal(": keep-alive", frames[0]);
        Assert.True(IsDelta(frames[1]));
        Assert.DoesNotContain("[DONE]", sse.Received.ToString());
        Assert.DoesNotContain("memories_found", sse.Received.ToString());
    }

    [Fact]
    public async Task Failures_before_the_stream_starts_are_ordinary_json_errors()
    {
        using var h = await SeededAsync();

        using var invalid = await SseFrameReader.OpenAsync(h, "{\"query\":\"q\",\"stream\":true,\"options\":{\"return_format\":\"xml\"}}");
        using var blank = await SseFrameReader.OpenAsync(h, "{\"query\":\" \",\"stream\":true}");
        using var unauthorized = await SseFrameReader.OpenAsync(h, StreamBody, key: "wrong");
        h.Options.Faults.Next429Count = 1;
        using var limited = await SseFrameReader.OpenAsync(h, StreamBody);

        foreach (var (reader, status, code) in new[] { (invalid, 400, "INVALID_REQUEST"), (blank, 400, "INVALID_REQUEST"), (unauthorized, 401, "UNAUTHORIZED"), (limited, 429, "RATE_LIMITED") })
        {
            Assert.Equal(status, (int)reader.Response.StatusCode);
            Assert.Equal("application/json", reader.Response.Content.Headers.ContentType!.MediaType);
            var body = await reader.ReadAllTextAsync();
            Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }

        Assert.Equal("1", string.Join(",", limited.Response.Headers.GetValues("Retry-After")));
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_ends_the_stream_and_frees_its_slot()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var h = await SeededAsync(o =>
        {
            o.MaxConcurrentRequestsPerTenant = 1;
            o.Faults.PauseStreamsAfterFirstDelta = true;
            o.Trace = note =>
            {
                if (note.Contains("client disconnected"))
                {
                    aborted.TrySetResult();
                }
            };
        });

        var sse = await SseFrameReader.OpenAsync(h, StreamBody);
        Assert.True(IsDelta((await sse.NextDataAsync())!));
        sse.Dispose();

        // Failure guard only (not a timing assertion): the server notices on its next keep-alive write.
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var next = await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"after the disconnect\"}");

        Assert.Equal(200, next.Status);
        Assert.True(h.Server.IsRunning);
    }

    [Fact]
    public async Task A_final_frame_over_64_KiB_goes_out_as_several_data_lines_that_join_to_the_whole_frame()
    {
        using var h = ServerHarness.Start();
        var items = string.Join(",", Enumerable.Range(0, 20).Select(i =>
            "{\"content\":\"memory number " + i + " about the launch plan " + string.Join(" ", Enumerable.Repeat("launch plan detail " + i, 300)) + "\"}"));
        await h.PostAsync("/v1/buckets/big/memories", "{\"dedup\":\"off\",\"memories\":[" + items + "]}");

        using var sse = await SseFrameReader.OpenAsync(h, "{\"query\":\"launch plan\",\"buckets\":[\"big\"],\"stream\":true,\"options\":{\"top_k\":20,\"skip_synthesis\":true}}");
        var frames = await sse.RestAsync();

        var lines = frames[^2].Split('\n');
        Assert.True(lines.Length > 1, "the final frame is one line");
        Assert.All(lines, l => Assert.StartsWith("data: ", l));
        Assert.All(lines, l => Assert.True(l.Length < 64 * 1024, "line of " + l.Length + " bytes"));
        var joined = JsonDocument.Parse(string.Join("\n", lines.Select(l => l.Substring("data: ".Length)))).RootElement;
        Assert.Equal(20, joined.GetProperty("memories_found").GetInt32());
        Assert.Equal("data: [DONE]", frames[^1]);
    }
}
