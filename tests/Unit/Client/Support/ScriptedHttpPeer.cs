using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Engram.Tests.Unit.Client.Support;

/// <summary>
/// A hand-made HTTP/1.1 peer on 127.0.0.1 (raw TCP) for wire cases a real engine cannot produce: exact
/// recorded request bytes, scripted statuses and headers, malformed or truncated bodies, stalls.
/// Each incoming request is recorded and answered by the next scripted <see cref="PeerReply"/>
/// (a 599 "script exhausted" when none is left). Keep-alive is honoured, so connection reuse is observable.
/// </summary>
public sealed class ScriptedHttpPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<PeerReply> _script = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly List<Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _connectionCount;
    private int _closedConnectionCount;
    private TaskCompletionSource _anyConnectionClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedHttpPeer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public string BaseUrl => "http://127.0.0.1:" + Port;

    /// <summary>TCP connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public int ClosedConnectionCount => Volatile.Read(ref _closedConnectionCount);

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public RecordedRequest SingleRequest => Assert.Single(Requests);

    public ScriptedHttpPeer Enqueue(params PeerReply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }

        return this;
    }

    /// <summary>Completes when some connection has been closed (by either side) after this call.</summary>
    public Task NextConnectionClosed()
    {
        lock (_requests)
        {
            if (_anyConnectionClosed.Task.IsCompleted)
            {
                _anyConnectionClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _anyConnectionClosed.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch
        {
        }

        Task[] connections;
        lock (_connections)
        {
            connections = _connections.ToArray();
        }

        try
        {
            await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch
            {
                return;
            }

            var id = Interlocked.Increment(ref _connectionCount);
            lock (_connections)
            {
                _connections.Add(Task.Run(() => ServeConnectionAsync(client, id)));
            }
        }
    }

    private async Task ServeConnectionAsync(TcpClient client, int connectionId)
    {
        using (client)
        using (var stopRegistration = _stopping.Token.Register(client.Dispose))
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = new PeerRequestReader(stream);
            try
            {
                while (true)
                {
                    var request = await reader.ReadRequestAsync(connectionId, _stopping.Token).ConfigureAwait(false);
                    if (request == null)
                    {
                        break;
                    }

                    lock (_requests)
                    {
                        _requests.Add(request);
                    }

                    if (!_script.TryDequeue(out var reply))
                    {
                        reply = Reply.Text(599, "script exhausted: no reply scripted for " + request.Method + " " + request.Target);
                    }

                    var exchange = new PeerExchange(request, stream, _stopping.Token);
                    await reply(exchange).ConfigureAwait(false);
                    await stream.FlushAsync().ConfigureAwait(false);
                    if (exchange.CloseAfterReply)
                    {
                        break;
                    }
                }
            }
            catch (Exception)
            {
                // The client went away mid-exchange (abort, timeout): that is what several tests provoke.
            }
        }

        Interlocked.Increment(ref _closedConnectionCount);
        lock (_requests)
        {
            _anyConnectionClosed.TrySetResult();
        }
    }
}

/// <summary>One request exactly as it arrived.</summary>
public sealed class RecordedRequest
{
    public RecordedRequest(int connectionId, string method, string target, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body)
    {
        ConnectionId = connectionId;
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    public int ConnectionId { get; }

    public string Method { get; }

    /// <summary>The request-target of the request line, as sent (escaping intact).</summary>
    public string Target { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The raw head of the request (request line and headers), for "never contains" checks.</summary>
    public string HeadText => Method + " " + Target + "\n" + string.Join("\n", Headers.Select(h => h.Key + ": " + h.Value));

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public bool HasHeader(string name) => Headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Reads HTTP/1.1 requests (Content-Length bodies) off one connection.</summary>
internal sealed class PeerRequestReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public PeerRequestReader(Stream stream) => _stream = stream;

    public async Task<RecordedRequest?> ReadRequestAsync(int connectionId, CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return null;
                }
            }

            head.WriteByte(_buffer[_start++]);
            var length = head.Length;
            if (length >= 4)
            {
                var bytes = head.GetBuffer();
                if (bytes[length - 4] == '\r' && bytes[length - 3] == '\n' && bytes[length - 2] == '\r' && bytes[length - 1] == '\n')
                {
                    break;
                }
            }
        }

        var lines = Encoding.UTF8.GetString(head.GetBuffer(), 0, (int)head.Length - 4).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers.Add(new KeyValuePair<string, string>(line[..colon], line[(colon + 1)..].Trim()));
        }

        var contentLength = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h.Value)).FirstOrDefault();
        if (headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            throw new NotSupportedException("The scripted peer reads Content-Length bodies only.");
        }

        var body = new byte[contentLength];
        var filled = 0;
        while (filled < contentLength)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return null;
                }
            }

            var take = Math.Min(contentLength - filled, _end - _start);
            Buffer.BlockCopy(_buffer, _start, body, filled, take);
            _start += take;
            filled += take;
        }

        return new RecordedRequest(connectionId, requestLine[0], requestLine[1], headers, body);
    }
}

/// <summary>What a scripted reply can see and do.</summary>
public sealed class PeerExchange
{
    public PeerExchange(RecordedRequest request, Stream stream, CancellationToken peerStopping)
    {
        Request = request;
        Stream = stream;
        PeerStopping = peerStopping;
    }

    public RecordedRequest Request { get; }

    public Stream Stream { get; }

    public CancellationToken PeerStopping { get; }

    /// <summary>Close the connection after this reply (for bodies delimited by the connection's end).</summary>
    public bool CloseAfterReply { get; set; }

    public async Task WriteAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await Stream.WriteAsync(bytes, PeerStopping).ConfigureAwait(false);
        await Stream.FlushAsync(PeerStopping).ConfigureAwait(false);
    }

    public Task WriteHeadAsync(int status, IEnumerable<(string Name, string Value)> headers)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(status).Append(' ').Append(Reply.ReasonPhrase(status)).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        return WriteAsync(head.ToString());
    }

    /// <summary>Waits until the client closes the connection (a read returns 0 or fails) or the peer stops.</summary>
    public async Task WaitForClientToCloseAsync()
    {
        var scratch = new byte[256];
        try
        {
            while (await Stream.ReadAsync(scratch, PeerStopping).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception)
        {
        }

        CloseAfterReply = true;
    }
}

public delegate Task PeerReply(PeerExchange exchange);

/// <summary>Ready-made scripted replies.</summary>
public static class Reply
{
    public static PeerReply Json(int status, string json, params (string Name, string Value)[] headers) =>
        Bytes(status, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json), headers);

    public static PeerReply Text(int status, string text, string contentType = "text/plain", params (string Name, string Value)[] headers) =>
        Bytes(status, contentType, Encoding.UTF8.GetBytes(text), headers);

    /// <summary>A status with an empty body (Content-Length: 0, or none at all for 204).</summary>
    public static PeerReply Empty(int status, params (string Name, string Value)[] headers) => async exchange =>
    {
        var all = headers.ToList();
        if (status != 204)
        {
            all.Add(("Content-Length", "0"));
        }

        await exchange.WriteHeadAsync(status, all).ConfigureAwait(false);
    };

    public static PeerReply Bytes(int status, string contentType, byte[] body, params (string Name, string Value)[] headers) => async exchange =>
    {
        var all = new List<(string, string)> { ("Content-Type", contentType), ("Content-Length", body.Length.ToString()) };
        all.AddRange(headers);
        await exchange.WriteHeadAsync(status, all).ConfigureAwait(false);
        await exchange.Stream.WriteAsync(body, exchange.PeerStopping).ConfigureAwait(false);
    };

    /// <summary>An event stream delimited by closing the connection (no length, no chunking).</summary>
    public static PeerReply Sse(string body) => async exchange =>
    {
        await exchange.WriteHeadAsync(200, new[] { ("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("Connection", "close") })
            .ConfigureAwait(false);
        await exchange.WriteAsync(body).ConfigureAwait(false);
        exchange.CloseAfterReply = true;
    };

    /// <summary>Sends the start of an event stream, then holds the connection open until the client closes it.</summary>
    public static PeerReply SseThenHold(string firstPart) => async exchange =>
    {
        await exchange.WriteHeadAsync(200, new[] { ("Content-Type", "text/event-stream"), ("Connection", "close") }).ConfigureAwait(false);
        await exchange.WriteAsync(firstPart).ConfigureAwait(false);
        await exchange.WaitForClientToCloseAsync().ConfigureAwait(false);
    };

    /// <summary>Announces <paramref name="announcedLength"/> bytes, sends fewer, and closes: a body cut off in transit.</summary>
    public static PeerReply Truncated(int status, string contentType, string partialBody, int announcedLength) => async exchange =>
    {
        await exchange.WriteHeadAsync(status, new[] { ("Content-Type", contentType), ("Content-Length", announcedLength.ToString()) }).ConfigureAwait(false);
        await exchange.WriteAsync(partialBody).ConfigureAwait(false);
        exchange.CloseAfterReply = true;
    };

    /// <summary>Never answers; waits until the client gives up and closes the connection.</summary>
    public static PeerReply Stall() => exchange => exchange.WaitForClientToCloseAsync();

    /// <summary>Sends headers of a buffered response, then stalls before the body.</summary>
    public static PeerReply StallInBody(int announcedLength) => async exchange =>
    {
        await exchange.WriteHeadAsync(200, new[] { ("Content-Type", "application/json"), ("Content-Length", announcedLength.ToString()) }).ConfigureAwait(false);
        await exchange.WriteAsync("{").ConfigureAwait(false);
        await exchange.WaitForClientToCloseAsync().ConfigureAwait(false);
    };

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    };
}
