using System.Text;
using Engram.Client;
using Engram.Client.Errors;
using Engram.Client.Streaming;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>The SSE reader on its own (wire spec §8.2, §8.3, Appendix B.15), over whole and byte-by-byte bodies.</summary>
public class SseReaderTests
{
    private sealed record Outcome(List<QueryStreamEvent> Events, bool Completed, Exception? Error)
    {
        public IEnumerable<string> Describe() =>
            Events.Select(e => e.Type == QueryStreamEventType.Delta ? "delta " + e.Content : "done");
    }

    private static async Task<Outcome> Read(string body, bool oneByteAtATime = false, string? key = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Stream stream = oneByteAtATime ? new TrickleStream(bytes) : new MemoryStream(bytes);
        var completed = false;
        var events = new List<QueryStreamEvent>();
        try
        {
            await foreach (var e in SseReader.ReadEventsAsync(stream, () => completed = true, new SecretRedactor(key)))
            {
                events.Add(e);
            }
        }
        catch (EngramException error)
        {
            return new Outcome(events, completed, error);
        }

        return new Outcome(events, completed, null);
    }

    private static void AssertEndedUnexpectedly(Outcome outcome)
    {
        var error = Assert.IsType<EngramException>(outcome.Error);
        Assert.Equal(0, error.Status);
        Assert.Contains("stream ended unexpectedly", error.Message);
        Assert.False(outcome.Completed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task B15_1_data_without_space(bool trickle)
    {
        var outcome = await Read("data:{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n", trickle);
        Assert.Equal(new[] { "delta hi" }, outcome.Describe());
        Assert.True(outcome.Completed);
        Assert.Null(outcome.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task B15_2_multi_line_data_is_joined_with_newline(bool trickle)
    {
        var outcome = await Read("data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n", trickle);
        Assert.Equal(new[] { "delta hi" }, outcome.Describe());
        Assert.True(outcome.Completed);
    }

    [Fact]
    public async Task B15_2_as_given_without_terminator_delivers_the_delta_then_reports_the_cut()
    {
        var outcome = await Read("data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"hi\"}}]}\n\n");
        Assert.Equal(new[] { "delta hi" }, outcome.Describe());
        AssertEndedUnexpectedly(outcome);
    }

    [Theory]
    [InlineData("\r\n", false)]
    [InlineData("\r\n", true)]
    [InlineData("\r", false)]
    [InlineData("\r", true)]
    public async Task B15_3_crlf_and_lone_cr_line_endings(string eol, bool trickle)
    {
        var body = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}" + eol + eol + "data: [DONE]" + eol + eol;
        var outcome = await Read(body, trickle);
        Assert.Equal(new[] { "delta a" }, outcome.Describe());
        Assert.True(outcome.Completed);
        Assert.Null(outcome.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task B15_4_last_frame_without_blank_line_is_flushed_at_eof(bool trickle)
    {
        var outcome = await Read("data: {\"usage\":{\"output_tokens\":3}}", trickle);
        var done = Assert.Single(outcome.Events);
        Assert.Equal(QueryStreamEventType.Done, done.Type);
        Assert.Equal(3, done.Final!.Usage!.OutputTokens);
        Assert.False(outcome.Completed);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task B15_5_malformed_payload_is_skipped()
    {
        var outcome = await Read("data: {oops\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n");
        Assert.Equal(new[] { "delta x" }, outcome.Describe());
        Assert.Null(outcome.Error);

        var asGiven = await Read("data: {oops\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n");
        Assert.Equal(new[] { "delta x" }, asGiven.Describe());
        AssertEndedUnexpectedly(asGiven);
    }

    [Fact]
    public async Task B15_6_empty_and_role_only_deltas_produce_nothing()
    {
        var outcome = await Read("data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\ndata: {\"choices\":[{\"delta\":{}}]}\n\ndata: {\"choices\":[{\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n");
        Assert.Empty(outcome.Events);
        Assert.True(outcome.Completed);
    }

    [Theory]
    [InlineData("\n\n")]
    [InlineData("")]
    public async Task B15_7_error_frame_raises_status_0_after_earlier_events(string tail)
    {
        var frame = "{\"error\":\"Synthesis provider timed out\"}";
        var outcome = await Read("data: {\"choices\":[{\"delta\":{\"content\":\"p\"}}]}\n\ndata: " + frame + tail);
        Assert.Equal(new[] { "delta p" }, outcome.Describe());
        var error = Assert.IsType<EngramException>(outcome.Error);
        Assert.Equal(0, error.Status);
        Assert.Equal("Synthesis provider timed out", error.Message);
        Assert.Equal(frame, Assert.IsType<System.Text.Json.JsonElement>(error.Body).GetRawText());
    }

    [Fact]
    public async Task B15_8_object_error_uses_its_message_else_compact_json()
    {
        var withMessage = await Read("data: {\"error\":{\"code\":\"UPSTREAM\",\"message\":\"boom\"}}\n\n");
        var error = Assert.IsType<EngramException>(withMessage.Error);
        Assert.Equal((0, "boom", "UPSTREAM"), (error.Status, error.Message, error.Code));
        Assert.Empty(withMessage.Events);

        var withoutMessage = await Read("data: {\"error\": {\"code\": \"X\"}}\n\n");
        Assert.Equal("{\"code\":\"X\"}", withoutMessage.Error!.Message);
    }

    [Fact]
    public async Task Falsy_error_key_is_a_final_frame_not_an_error()
    {
        var outcome = await Read("data: {\"error\":null,\"answer\":\"ok\"}\n\ndata: {\"error\":\"\",\"answer\":\"ok2\"}\n\ndata: [DONE]\n\n");
        Assert.Equal(new[] { "ok", "ok2" }, outcome.Events.Select(e => e.Final!.Answer));
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task B15_9_event_id_retry_fields_and_comments_are_ignored()
    {
        var outcome = await Read(": keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: {\"choices\":[{\"delta\":{\"content\":\"z\"}}]}\n\ndata: [DONE]\n\n");
        Assert.Equal(new[] { "delta z" }, outcome.Describe());
    }

    [Fact]
    public async Task B15_10_frames_after_done_marker_are_ignored()
    {
        var outcome = await Read("data: [DONE]\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\ndata: {\"error\":\"late\"}\n\n");
        Assert.Empty(outcome.Events);
        Assert.True(outcome.Completed);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task B15_11_empty_choices_array_is_a_done_event()
    {
        var outcome = await Read("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5}}\n\n");
        var done = Assert.Single(outcome.Events);
        Assert.Equal(QueryStreamEventType.Done, done.Type);
        Assert.Equal(5, done.Final!.Usage!.InputTokens);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task B15_12_empty_body_ends_quietly_without_completion()
    {
        var outcome = await Read("");
        Assert.Empty(outcome.Events);
        Assert.False(outcome.Completed);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task B15_13_non_object_payloads_are_skipped()
    {
        var outcome = await Read("data: 42\n\ndata: [\"a\"]\n\ndata: \"text\"\n\ndata: null\n\ndata: [DONE]\n\n");
        Assert.Empty(outcome.Events);
        Assert.True(outcome.Completed);

        var asGiven = await Read("data: 42\n\ndata: [\"a\"]\n\n");
        Assert.Empty(asGiven.Events);
        AssertEndedUnexpectedly(asGiven);
    }

    [Fact]
    public async Task Several_final_frames_give_one_done_each_and_done_keeps_the_raw_frame()
    {
        var outcome = await Read("data: {\"answer\":\"one\",\"custom\":1}\n\ndata: {\"answer\":\"two\"}\n\ndata: [DONE]\n\n");
        Assert.Equal(new[] { "one", "two" }, outcome.Events.Select(e => e.Final!.Answer));
        Assert.Equal(1, outcome.Events[0].Raw!.Value.GetProperty("custom").GetInt32());
    }

    [Fact]
    public async Task Final_frame_with_float_integers_and_string_graph_facts_decodes_leniently()
    {
        var outcome = await Read("data: {\"answer\":\"a\",\"memories_found\":2.0,\"usage\":{\"output_tokens\":6.0},\"explanation\":{\"graph_facts\":[\"x likes y\"]}}\n\ndata: [DONE]\n\n");
        var final = Assert.Single(outcome.Events).Final!;
        Assert.Equal(2, final.MemoriesFound);
        Assert.Equal(6, final.Usage!.OutputTokens);
        Assert.Equal("x likes y", final.Explanation!.GraphFacts[0].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Frames_far_larger_than_64_KiB_are_read_whole(bool trickle)
    {
        var big = new string('é', trickle ? 70_000 : 400_000);
        var outcome = await Read("data: {\"choices\":[{\"delta\":{\"content\":\"" + big + "\"}}]}\n\ndata: {\"answer\":\"" + big + "\"}\n\ndata: [DONE]\n\n", trickle);
        Assert.Equal(big, outcome.Events[0].Content);
        Assert.Equal(big, outcome.Events[1].Final!.Answer);
        Assert.True(outcome.Completed);
    }

    [Fact]
    public async Task Keep_alive_only_body_that_stops_is_reported_as_cut_off()
    {
        AssertEndedUnexpectedly(await Read(": keep-alive\n\n"));
    }

    [Fact]
    public async Task Error_frames_never_carry_the_api_key()
    {
        const string key = "eng_live_DISTINCTIVE_0123456789";
        var outcome = await Read("data: {\"error\":\"bad key " + key + "\"}\n\n", key: key);
        var error = Assert.IsType<EngramException>(outcome.Error);
        Assert.DoesNotContain(key, error.Message);
        Assert.DoesNotContain(key, error.ToString());
        Assert.DoesNotContain(key, ((System.Text.Json.JsonElement)error.Body!).GetRawText());
    }

    /// <summary>Hands out one byte per read, so every line break lands on a read boundary once.</summary>
    private sealed class TrickleStream : Stream
    {
        private readonly byte[] _bytes;
        private int _position;

        public TrickleStream(byte[] bytes) => _bytes = bytes;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= _bytes.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = _bytes[_position++];
            return 1;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
