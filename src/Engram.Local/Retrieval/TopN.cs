using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// A bounded min-heap keeping the n best: higher score first, and on equal scores the lower index, so
    /// the result never depends on the order items were offered in (the coded and plain scans agree; the coded
    /// table's re-rank uses it too).
    /// </summary>
    internal sealed class TopN
    {
        private readonly int _capacity;
        private readonly List<(int Index, float Score)> _heap = new List<(int, float)>();

        public TopN(int capacity) => _capacity = Math.Max(1, capacity);

        /// <summary>How many it keeps.</summary>
        public int Capacity => _capacity;

        /// <summary>Whether it holds <see cref="Capacity"/> items (an offer must then beat <see cref="Lowest"/>).</summary>
        public bool Full => _heap.Count == _capacity;

        /// <summary>The lowest score held (the first to go); undefined when empty.</summary>
        public float Lowest => _heap[0].Score;

        /// <summary>What it holds, in no particular order.</summary>
        public IReadOnlyList<(int Index, float Score)> Items => _heap;

        public void Clear() => _heap.Clear();

        [MethodImpl(HotPath.Optimized)]
        public void Offer(int index, float score)
        {
            if (_heap.Count < _capacity)
            {
                _heap.Add((index, score));
                SiftUp(_heap.Count - 1);
            }
            else if (Worse(_heap[0], (index, score)))
            {
                _heap[0] = (index, score);
                SiftDown(0);
            }
        }

        public IEnumerable<(int Index, float Score)> Descending()
        {
            var items = new List<(int Index, float Score)>(_heap);
            items.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
            return items;
        }

        private static bool Worse((int Index, float Score) a, (int Index, float Score) b) =>
            a.Score < b.Score || (a.Score == b.Score && a.Index > b.Index);

        [MethodImpl(HotPath.Optimized)]
        private void SiftUp(int i)
        {
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (!Worse(_heap[i], _heap[parent]))
                {
                    break;
                }

                (_heap[parent], _heap[i]) = (_heap[i], _heap[parent]);
                i = parent;
            }
        }

        [MethodImpl(HotPath.Optimized)]
        private void SiftDown(int i)
        {
            while (true)
            {
                var left = 2 * i + 1;
                var right = left + 1;
                var smallest = i;
                if (left < _heap.Count && Worse(_heap[left], _heap[smallest]))
                {
                    smallest = left;
                }

                if (right < _heap.Count && Worse(_heap[right], _heap[smallest]))
                {
                    smallest = right;
                }

                if (smallest == i)
                {
                    return;
                }

                (_heap[smallest], _heap[i]) = (_heap[i], _heap[smallest]);
                i = smallest;
            }
        }
    }
}
