using System;

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
        private static readonly FlowListeners<EngramRequestTrace> Listeners = new FlowListeners<EngramRequestTrace>();
        private static readonly FlowListeners<EngramEngineNotice> NoticeListeners = new FlowListeners<EngramEngineNotice>();

        /// <summary>
        /// Reports the embedded engine's notices (<see cref="EngramEngineNotice"/>) raised in this flow until the
        /// returned handle is disposed. Exceptions listeners throw are ignored.
        /// </summary>
        public static IDisposable ListenForNotices(Action<EngramEngineNotice> listener) => NoticeListeners.Listen(listener);

        internal static void Notify(EngramEngineNotice notice) => NoticeListeners.Emit(notice);

        /// <summary>
        /// Reports each attempt to <paramref name="listener"/> until the returned handle is disposed.
        /// Listeners may be called on any thread; exceptions they throw are ignored so tracing cannot
        /// break a request.
        /// </summary>
        public static IDisposable Listen(Action<EngramRequestTrace> listener) => Listeners.Listen(listener);

        internal static bool IsListening => Listeners.IsListening;

        internal static void Emit(EngramRequestTrace trace) => Listeners.Emit(trace);
    }
}
