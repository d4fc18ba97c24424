using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Engram.Tests.Unit.Support;

namespace Engram.Tests.Unit.Providers;

/// <summary>One request as the peer received it (HttpListener parsed it).</summary>
public sealed record PeerRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A scripted model provider on loopback: HttpListener receives each request, the next scripted
/// response answers it (JSON, an error with headers, or SSE frames with pauses between them). The real
/// SDK clients talk to it exactly as to the provider. Requests are recorded for assertions.
/// </summary>
public sealed class ScriptedPeer : LoopbackHttpListener
{
    private readonly ConcurrentQueue<Func<HttpListenerContext, CancellationToken, Task>> _script = new();

    public ScriptedPeer() => Start();

    /// <summary>The OpenAI-style base (…/v1).</summary>
    public Uri OpenAIBase => new(Root, "v1");

    public ConcurrentQueue<PeerRequest> Requests { get; } = new();

    /// <summary>Set when a scripted stream saw its client go away (the SDK call was cancelled).</summary>
    public TaskCompletionSource ClientAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Enqueue(Func<HttpListenerContext, CancellationToken, Task> respond) => _script.Enqueue(respond);

    public void EnqueueJson(int status, string body, params (string Name, string Value)[] headers) =>
        Enqueue(async (context, token) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, token);
            context.Response.Close();
        });

    /// <summary>Waits <paramref name="delay"/> before answering at all (a provider thinking, or hung).</summary>
    public void EnqueueDelayedJson(TimeSpan delay, int status, string body) =>
        Enqueue(async (context, token) =>
        {
            try
            {
                await Task.Delay(delay, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes, token);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException || e is IOException || e is ObjectDisposedException)
            {
                ClientAborted.TrySetResult();
            }
        });

    /// <summary>An SSE body: each frame is written and flushed after its pause.</summary>
    public void EnqueueSse(IEnumerable<(TimeSpan Pause, string Frame)> frames) =>
        Enqueue(async (context, token) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.SendChunked = true;
            var output = context.Response.OutputStream;
            try
            {
                foreach (var (pause, frame) in frames)
                {
                    if (pause > TimeSpan.Zero)
                    {
                        await Task.Delay(pause, token);
                    }

                    var bytes = Encoding.UTF8.GetBytes(frame);
                    await output.WriteAsync(bytes, token);
                    await output.FlushAsync(token);
                }

                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException || e is IOException || e is ObjectDisposedException)
            {
                ClientAborted.TrySetResult();
            }
        });

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var headers = context.Request.Headers.AllKeys.Where(k => k != null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new PeerRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));
        if (!_script.TryDequeue(out var respond))
        {
            respond = (c, t) =>
            {
                c.Response.StatusCode = 500;
                c.Response.Close();
                return Task.CompletedTask;
            };
        }

        try
        {
            await respond(context, Stopping);
        }
        catch (Exception)
        {
            // A test that ends early leaves nobody to answer.
        }
    }
}

/// <summary>Response bodies in the providers' own wire shapes.</summary>
public static class ProviderWire
{
    private static string Str(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    public static string OpenAICompletion(string content, int prompt = 120, int completion = 9) =>
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1767225600,\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + Str(content) +
        "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";

    public static string OpenAIChunk(string content) =>
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + Str(content) + "},\"finish_reason\":null}]}\n\n";

    public static string OpenAIFinish(int prompt, int completion) =>
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"gpt-test\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n" +
        "data: [DONE]\n\n";

    public static IEnumerable<(TimeSpan, string)> OpenAIStream(IEnumerable<string> deltas, int prompt, int completion, TimeSpan pause = default)
    {
        foreach (var delta in deltas)
        {
            yield return (pause, OpenAIChunk(delta));
        }

        yield return (TimeSpan.Zero, OpenAIFinish(prompt, completion));
    }

    public static string OpenAIError(string message, string type = "invalid_request_error", string? code = null) =>
        "{\"error\":{\"message\":" + Str(message) + ",\"type\":" + Str(type) + ",\"param\":null,\"code\":" + (code == null ? "null" : Str(code)) + "}}";

    public static string AnthropicMessage(string text, int input = 100, int output = 8) =>
        "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[{\"type\":\"text\",\"text\":" + Str(text) +
        "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + "}}";

    public static IEnumerable<(TimeSpan, string)> AnthropicStream(IEnumerable<string> deltas, int input, int output, TimeSpan pause = default)
    {
        static string Event(string name, string data) => "event: " + name + "\ndata: " + data + "\n\n";
        yield return (TimeSpan.Zero, Event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1}}}"));
        yield return (TimeSpan.Zero, Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        foreach (var delta in deltas)
        {
            yield return (pause, Event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":" + Str(delta) + "}}"));
        }

        yield return (TimeSpan.Zero, Event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        yield return (TimeSpan.Zero, Event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + output + "}}"));
        yield return (TimeSpan.Zero, Event("message_stop", "{\"type\":\"message_stop\"}"));
    }

    public static string AnthropicError(string type, string message) =>
        "{\"type\":\"error\",\"error\":{\"type\":" + Str(type) + ",\"message\":" + Str(message) + "}}";
}
