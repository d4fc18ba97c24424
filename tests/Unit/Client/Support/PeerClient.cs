using Engram.Client;

namespace Engram.Tests.Unit.Client.Support;

/// <summary>Builds an <see cref="EngramHttpService"/> pointed at a peer, with recorded (not real) retry waits.</summary>
public sealed class PeerClient : IDisposable
{
    public const string ApiKey = "eng_live_test_key";

    /// <summary>A fixed "now" for Retry-After HTTP-dates.</summary>
    public static readonly DateTimeOffset Now = new(2026, 10, 21, 7, 27, 50, TimeSpan.Zero);

    private readonly List<TimeSpan> _delays = new();

    public PeerClient(ScriptedHttpPeer peer, Action<EngramClientOptions>? configure = null)
    {
        Options = new EngramClientOptions
        {
            ApiKey = ApiKey,
            BaseUrl = peer.BaseUrl,
            Delay = (delay, cancellationToken) =>
            {
                lock (_delays)
                {
                    _delays.Add(delay);
                }

                return Task.CompletedTask;
            },
            Clock = () => Now,
        };
        configure?.Invoke(Options);
        Service = new EngramHttpService(Options);
    }

    public EngramClientOptions Options { get; }

    public EngramHttpService Service { get; }

    public void Dispose() => Service.Dispose();

    /// <summary>Every retry wait the service asked for, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_delays)
            {
                return _delays.ToList();
            }
        }
    }
}
