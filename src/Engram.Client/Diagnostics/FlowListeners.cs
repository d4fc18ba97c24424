using System;
using System.Threading;

namespace Engram.Client.Diagnostics
{
    /// <summary>
    /// Listeners scoped to an async flow: whatever is emitted in the flow that called <see cref="Listen"/>
    /// (and in flows it starts) reaches the listener; other flows are unaffected, so concurrent PowerShell
    /// runspaces each hear only their own work. Serves the client's request trace (<see cref="EngramTrace"/>)
    /// and the PowerShell module's trace of in-process engine operations.
    /// </summary>
    internal sealed class FlowListeners<T>
    {
        private readonly AsyncLocal<ListenerNode?> _current = new AsyncLocal<ListenerNode?>();

        /// <summary>Reports to <paramref name="listener"/> until the returned handle is disposed.</summary>
        public IDisposable Listen(Action<T> listener)
        {
            if (listener == null)
            {
                throw new ArgumentNullException(nameof(listener));
            }

            var node = new ListenerNode(this, listener, _current.Value);
            _current.Value = node;
            return node;
        }

        public bool IsListening
        {
            get
            {
                for (var node = _current.Value; node != null; node = node.Parent)
                {
                    if (!node.Removed)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>Calls every listener of this flow; exceptions they throw are ignored so tracing cannot break the work it observes.</summary>
        public void Emit(T record)
        {
            for (var node = _current.Value; node != null; node = node.Parent)
            {
                if (node.Removed)
                {
                    continue;
                }

                try
                {
                    node.Listener(record);
                }
                catch (Exception)
                {
                    // A broken listener must not fail the work it observes.
                }
            }
        }

        /// <summary>An immutable chain of listeners; disposing marks a node removed (works from any flow).</summary>
        private sealed class ListenerNode : IDisposable
        {
            private readonly FlowListeners<T> _owner;
            private int _removed;

            public ListenerNode(FlowListeners<T> owner, Action<T> listener, ListenerNode? parent)
            {
                _owner = owner;
                Listener = listener;
                Parent = parent;
            }

            public Action<T> Listener { get; }

            public ListenerNode? Parent { get; }

            public bool Removed => Volatile.Read(ref _removed) != 0;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _removed, 1) != 0)
                {
                    return;
                }

                // Restore the outer scope when disposed in the flow that opened it (the usual `using`).
                if (ReferenceEquals(_owner._current.Value, this))
                {
                    _owner._current.Value = Parent;
                }
            }
        }
    }
}
