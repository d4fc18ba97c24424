using System.Net;
using System.Net.Sockets;

namespace Engram.Tests.Unit.Support;

/// <summary>
/// The part every scripted HTTP peer shares: an HttpListener on a free 127.0.0.1 port, an accept loop that
/// hands each request to <see cref="AnswerAsync"/> on its own task, and a dispose that stops both. Peers
/// derive and script the answers; HttpListener does the HTTP parsing.
/// </summary>
public abstract class LoopbackHttpListener : IAsyncDisposable
{
    // A port probed free can be taken by another test process before the listener binds it ("Address already
    // in use", seen once in a full run): a few fresh ports make that race vanishingly rare.
    private const int BindAttempts = 5;

    private readonly CancellationTokenSource _stop = new();
    private HttpListener _listener = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>The port listened on; set by <see cref="Start"/>.</summary>
    public int Port { get; private set; }

    /// <summary>http://127.0.0.1:port/; set by <see cref="Start"/>.</summary>
    public Uri Root { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Cancelled when the peer is disposed: scripted answers that wait should stop on it.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Starts listening; derived constructors call it once their own fields are set.</summary>
    protected void Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            Root = new Uri($"http://127.0.0.1:{Port}/");
            _listener.Prefixes.Add(Root.ToString());
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < BindAttempts)
            {
                _listener.Close();
                _listener = new HttpListener();
            }
        }

        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Answers one request. Exceptions are the peer's own business; the loop ignores them.</summary>
    protected abstract Task AnswerAsync(HttpListenerContext context);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await AnswerAsync(context);
                }
                catch (Exception)
                {
                    // A test that ends early leaves nobody to answer.
                }
            });
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // Stopping the listener ends the loop with an exception on some platforms.
        }

        GC.SuppressFinalize(this);
    }
}
