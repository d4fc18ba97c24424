using System;
using System.Threading;

namespace Engram.Client.Diagnostics
{
    /// <summary>
    /// Request tracing scoped to an async flow. Every HTTP attempt made in the flow that called
    /// <see cref="Listen"/> (and in flows it starts) reports to the listener; other flows are unaffected,
    /// so concurrent PowerShell runspaces each see only their own requests.
    /// </summary>
    public static class EngramTrace
    {
        // The one static of the client: flow-scoped by design, so it carries no cross-flow state.
        private static readonly AsyncLocal<ListenerNode?> Current = new AsyncLocal<ListenerNode?>();
        private static readonly AsyncLocal<NoticeNode?> Notices = new AsyncLocal<NoticeNode?>();

        /// <summary>
        /// Reports the embedded engine's notices (<see cref="EngramEngineNotice"/>) raised in this flow until the
        /// returned handle is disposed. Exceptions listeners throw are ignored.
        /// </summary>
        public static IDisposable ListenForNotices(Action<EngramEngineNotice> listener)
        {
            if (listener == null)
            {
                throw new ArgumentNullException(nameof(listener));
            }

            var node = new NoticeNode(listener, Notices.Value);
            Notices.Value = node;
            return node;
        }

        internal static void Notify(EngramEngineNotice notice)
        {
            for (var node = Notices.Value; node != null; node = node.Parent)
            {
                if (node.Removed)
                {
                    continue;
                }

                try
                {
                    node.Listener(notice);
                }
                catch (Exception)
                {
                    // A broken listener must not fail the operation it observes.
                }
            }
        }

        /// <summary>
        /// Reports each attempt to <paramref name="listener"/> until the returned handle is disposed.
        /// Listeners may be called on any thread; exceptions they throw are ignored so tracing cannot
        /// break a request.
        /// </summary>
        public static IDisposable Listen(Action<EngramRequestTrace> listener)
        {
            if (listener == null)
            {
                throw new ArgumentNullException(nameof(listener));
            }

            var node = new ListenerNode(listener, Current.Value);
            Current.Value = node;
            return node;
        }

        internal static bool IsListening
        {
            get
            {
                for (var node = Current.Value; node != null; node = node.Parent)
                {
                    if (!node.Removed)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        internal static void Emit(EngramRequestTrace trace)
        {
            for (var node = Current.Value; node != null; node = node.Parent)
            {
                if (node.Removed)
                {
                    continue;
                }

                try
                {
                    node.Listener(trace);
                }
                catch (Exception)
                {
                    // A broken listener must not fail the request it observes.
                }
            }
        }

        /// <summary>An immutable chain of listeners; disposing marks a node removed (works from any flow).</summary>
        private sealed class ListenerNode : IDisposable
        {
            private int _removed;

            public ListenerNode(Action<EngramRequestTrace> listener, ListenerNode? parent)
            {
                Listener = listener;
                Parent = parent;
            }

            public Action<EngramRequestTrace> Listener { get; }

            public ListenerNode? Parent { get; }

            public bool Removed => Volatile.Read(ref _removed) != 0;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _removed, 1) != 0)
                {
                    return;
                }

                // Restore the outer scope when disposed in the flow that opened it (the usual `using`).
                if (ReferenceEquals(Current.Value, this))
                {
                    Current.Value = Parent;
                }
            }
        }

        private sealed class NoticeNode : IDisposable
        {
            private int _removed;

            public NoticeNode(Action<EngramEngineNotice> listener, NoticeNode? parent)
            {
                Listener = listener;
                Parent = parent;
            }

            public Action<EngramEngineNotice> Listener { get; }

            public NoticeNode? Parent { get; }

            public bool Removed => Volatile.Read(ref _removed) != 0;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _removed, 1) != 0)
                {
                    return;
                }

                if (ReferenceEquals(Notices.Value, this))
                {
                    Notices.Value = Parent;
                }
            }
        }
    }
}
