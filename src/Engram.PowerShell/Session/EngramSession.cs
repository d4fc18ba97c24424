using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Engram.Client;

namespace Engram.PowerShell.Session
{
    /// <summary>
    /// The module's state in one runspace: the default connection (Connect-Engram), the implicit connection
    /// from ENGRAM_API_KEY, and the local servers started here. Keyed by the runspace, so ForEach-Object
    /// -Parallel runspaces and hosted runspaces never share or clobber each other's default connection.
    /// Everything is released when the runspace closes.
    /// </summary>
    internal sealed class EngramSession
    {
        private static readonly ConditionalWeakTable<Runspace, EngramSession> Sessions = new ConditionalWeakTable<Runspace, EngramSession>();

        private readonly object _gate = new object();
        private readonly List<EngramLocalServer> _servers = new List<EngramLocalServer>();
        private EngramConnection? _default;
        private EngramConnection? _implicit;
        private string? _implicitKey;
        private string? _implicitBaseUrl;

        private EngramSession(Runspace runspace)
        {
            runspace.StateChanged += OnRunspaceStateChanged;
        }

        /// <summary>The session of the runspace running on this thread.</summary>
        public static EngramSession Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace
                    ?? throw new InvalidOperationException("Engram cmdlets need a PowerShell runspace on the current thread.");
                return Sessions.GetValue(runspace, r => new EngramSession(r));
            }
        }

        public EngramConnection? Default
        {
            get
            {
                lock (_gate)
                {
                    return _default;
                }
            }
        }

        /// <summary>Makes <paramref name="connection"/> the default; closes the old one unless the user still holds it.</summary>
        public void SetDefault(EngramConnection connection)
        {
            EngramConnection? old;
            lock (_gate)
            {
                old = _default;
                _default = connection;
            }

            if (old != null && !ReferenceEquals(old, connection) && !old.HandedOut)
            {
                old.Dispose();
            }
        }

        /// <summary>Forgets the default connection (if it is <paramref name="connection"/>, or any when null) and returns it.</summary>
        public EngramConnection? RemoveDefault(EngramConnection? connection = null)
        {
            lock (_gate)
            {
                var old = _default;
                if (old != null && (connection == null || ReferenceEquals(old, connection)))
                {
                    _default = null;
                    return old;
                }

                return null;
            }
        }

        /// <summary>
        /// The connection cmdlets use without -Connection: the default, else one made from ENGRAM_API_KEY
        /// (and ENGRAM_BASE_URL), rebuilt when those variables change. Null when there is neither.
        /// </summary>
        public EngramConnection? Resolve()
        {
            var current = Default;
            if (current != null && current.IsOpen)
            {
                return current;
            }

            return ImplicitFromEnvironment();
        }

        private EngramConnection? ImplicitFromEnvironment()
        {
            // The variables as set are only the cache key; what they mean is Engram.Client's to resolve.
            var key = Environment.GetEnvironmentVariable(EngramClientOptions.ApiKeyVariable);
            var baseUrl = Environment.GetEnvironmentVariable(EngramClientOptions.BaseUrlVariable);
            EngramConnection? stale = null;
            try
            {
                lock (_gate)
                {
                    if (_implicit != null && _implicit.IsOpen && _implicitKey == key && _implicitBaseUrl == baseUrl)
                    {
                        return _implicit;
                    }

                    stale = _implicit;
                    _implicit = null;
                    _implicitKey = null;
                    try
                    {
                        _implicit = ConnectionFactory.CreateRemote(null, null, null, null, null, ConnectionFactory.SourceEnvironment);
                    }
                    catch (ApiKeyMissingException)
                    {
                        return null;
                    }

                    _implicitKey = key;
                    _implicitBaseUrl = baseUrl;
                    return _implicit;
                }
            }
            finally
            {
                stale?.Dispose();
            }
        }

        /// <summary>Closes the implicit connection (Disconnect-Engram); the next cmdlet rebuilds it if the variable is still set.</summary>
        public void CloseImplicit()
        {
            EngramConnection? old;
            lock (_gate)
            {
                old = _implicit;
                _implicit = null;
                _implicitKey = null;
            }

            old?.Dispose();
        }

        public void AddServer(EngramLocalServer server)
        {
            lock (_gate)
            {
                _servers.Add(server);
            }
        }

        public void RemoveServer(EngramLocalServer server)
        {
            lock (_gate)
            {
                _servers.Remove(server);
            }
        }

        public IReadOnlyList<EngramLocalServer> Servers
        {
            get
            {
                lock (_gate)
                {
                    return _servers.ToList();
                }
            }
        }

        private void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            var state = e.RunspaceStateInfo.State;
            if (state != RunspaceState.Closed && state != RunspaceState.Broken)
            {
                return;
            }

            EngramConnection? defaultConnection;
            EngramConnection? implicitConnection;
            List<EngramLocalServer> servers;
            lock (_gate)
            {
                defaultConnection = _default;
                implicitConnection = _implicit;
                servers = _servers.ToList();
                _default = null;
                _implicit = null;
                _servers.Clear();
            }

            foreach (var server in servers)
            {
                try
                {
                    server.StopAsync(System.Threading.CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                    // The runspace is going away; a server that fails to stop cleanly must not keep it alive.
                }
            }

            defaultConnection?.Dispose();
            implicitConnection?.Dispose();
        }
    }
}
