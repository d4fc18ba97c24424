using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engram.Tests.Unit.Support;

namespace Engram.Tests.Unit.Embeddings;

/// <summary>A request the peer received.</summary>
public sealed record PeerRequest(string Method, string Path, string? Authorization, string? ApiKeyHeader, JsonNode? Body)
{
    public IReadOnlyList<string> Inputs =>
        Body?["input"] is JsonArray array ? array.Select(x => x!.GetValue<string>()).ToList()
        : Body?["input"] is JsonValue single ? new[] { single.GetValue<string>() }
        : Array.Empty<string>();
}

/// <summary>What the peer answers to one request.</summary>
public sealed record PeerAnswer(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Delay = null);

/// <summary>
/// An OpenAI-compatible embeddings server on a loopback port (HttpListener), answering POST /v1/embeddings
/// with whatever the test scripts, and recording every request. The real OpenAI SDK client talks to it.
/// </summary>
public sealed class ScriptedEmbeddingsPeer : LoopbackHttpListener
{
    private readonly object _gate = new();
    private readonly List<PeerRequest> _requests = new();
    private Func<PeerRequest, PeerAnswer> _script;

    public ScriptedEmbeddingsPeer(Func<PeerRequest, PeerAnswer>? script = null)
    {
        _script = script ?? (request => Embeddings(request, dimensions: 8));
        Start();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/v1");

    public IReadOnlyList<PeerRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    public void Script(Func<PeerRequest, PeerAnswer> script) => _script = script;

    /// <summary>
    /// A well-formed embeddings answer: one vector per input, not normalised (the client must normalise),
    /// as base64 little-endian floats when the request asks for it (the .NET SDK always does), else as arrays.
    /// The vector of input i is (i+1, 2, 0, 0, ...) so the order can be checked.
    /// </summary>
    public static PeerAnswer Embeddings(PeerRequest request, int dimensions, bool honourBase64 = true)
    {
        var base64 = honourBase64 && request.Body?["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        var inputs = request.Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = new float[dimensions];
            vector[0] = MarkerOf(inputs[i]);
            vector[1] = 2;
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()))
                : new JsonArray(vector.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var body = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request.Body?["model"]?.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Count * 3, ["total_tokens"] = inputs.Count * 3 },
        };
        return new PeerAnswer(200, body.ToJsonString());
    }

    /// <summary>The number a test text carries ("text 7" gives 7), so answers can be matched to inputs.</summary>
    public static float MarkerOf(string text) => float.TryParse(text.Split(' ').Last(), out var n) ? n : 1;

    public static PeerAnswer Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "error", ["code"] = status.ToString() } }.ToJsonString(), headers);

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            string text;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                text = await reader.ReadToEndAsync();
            }

            var request = new PeerRequest(
                context.Request.HttpMethod,
                context.Request.Url!.AbsolutePath,
                context.Request.Headers["Authorization"],
                context.Request.Headers["api-key"],
                string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text));
            lock (_gate)
            {
                _requests.Add(request);
            }

            var answer = request.Method == "POST" && request.Path == "/v1/embeddings"
                ? _script(request)
                : Error(404, $"No route {request.Method} {request.Path}");
            if (answer.Delay is { } delay)
            {
                await Task.Delay(delay, Stopping);
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception) when (Stopping.IsCancellationRequested)
        {
            context.Response.Abort();
        }
        catch (HttpListenerException)
        {
            // The client went away (a timeout test): nothing to answer.
        }
    }
}
