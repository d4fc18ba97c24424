using System.Text;

namespace Engram.Tests.Unit.Server.Support;

/// <summary>
/// Reads an event stream frame by frame exactly as sent: a frame is everything up to the next "\n\n"
/// (no CR tolerance, so CRLF framing would show up as a test failure).
/// </summary>
public sealed class SseFrameReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly List<byte> _pending = new();
    private readonly byte[] _buffer = new byte[8192];

    private SseFrameReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _body = body;
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Everything received so far, in order.</summary>
    public StringBuilder Received { get; } = new();

    public static async Task<SseFrameReader> OpenAsync(ServerHarness h, string body, ClientStyle style = ClientStyle.Go, string accept = "text/event-stream", string key = ServerHarness.Key)
    {
        var request = h.Request(HttpMethod.Post, "/v1/query", body, style, key);
        request.Headers.Remove("Accept");
        if (accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await h.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseFrameReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next frame without its "\n\n", or null at end of stream (a partial tail is returned as is).</summary>
    public async Task<string?> NextAsync()
    {
        while (true)
        {
            var end = IndexOfBlankLine();
            if (end >= 0)
            {
                var frame = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 2);
                return frame;
            }

            var read = await _body.ReadAsync(_buffer);
            if (read == 0)
            {
                if (_pending.Count == 0)
                {
                    return null;
                }

                var tail = Encoding.UTF8.GetString(_pending.ToArray());
                _pending.Clear();
                return tail;
            }

            Received.Append(Encoding.UTF8.GetString(_buffer, 0, read));
            _pending.AddRange(_buffer.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>Reads until the next frame that is not a keep-alive comment.</summary>
    public async Task<string?> NextDataAsync()
    {
        while (true)
        {
            var frame = await NextAsync();
            if (frame == null || !frame.StartsWith(':'))
            {
                return frame;
            }
        }
    }

    public async Task<List<string>> RestAsync()
    {
        var frames = new List<string>();
        while (await NextAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>The whole remaining body as text (for JSON error answers).</summary>
    public async Task<string> ReadAllTextAsync()
    {
        await RestAsync();
        return Received.ToString();
    }

    public void Dispose()
    {
        _body.Dispose();
        _response.Dispose();
    }

    private int IndexOfBlankLine()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == (byte)'\n' && _pending[i + 1] == (byte)'\n')
            {
                return i;
            }
        }

        return -1;
    }
}
