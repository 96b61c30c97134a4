namespace PitPlatform.Sdk.Queueing;

/// <summary>
/// A bounded multi-producer multi-consumer ring (Dmitry Vyukov's design): lock-free, no allocation per item. Each cell
/// carries a sequence number that says whether it is free for the producer at a position or filled for the consumer.
/// Producers may also dequeue, which is how drop-oldest makes room.
/// </summary>
internal sealed class EventRing<T>
    where T : class
{
    private struct Cell
    {
        public long Sequence;
        public T? Item;
    }

    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedPosition _enqueue;
    private PaddedPosition _dequeue;

    public EventRing(int capacity)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _cells = new Cell[size];
        _mask = size - 1;
        for (var i = 0; i < size; i++)
            _cells[i].Sequence = i;
    }

    public int Capacity => _cells.Length;

    /// <summary>Items ever added.</summary>
    public long Enqueued => Volatile.Read(ref _enqueue.Value);

    /// <summary>Items in the ring now (a snapshot: others may be adding or taking).</summary>
    public int Count =>
        (int)Math.Clamp(Volatile.Read(ref _enqueue.Value) - Volatile.Read(ref _dequeue.Value), 0, _cells.Length);

    public bool TryEnqueue(T item)
    {
        var position = Volatile.Read(ref _enqueue.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var difference = Volatile.Read(ref cell.Sequence) - position;
            if (difference == 0)
            {
                var seen = Interlocked.CompareExchange(ref _enqueue.Value, position + 1, position);
                if (seen == position)
                {
                    cell.Item = item;
                    Volatile.Write(ref cell.Sequence, position + 1);
                    return true;
                }
                position = seen;
            }
            else if (difference < 0)
                return false; // full: the consumer has not freed this cell yet
            else
                position = Volatile.Read(ref _enqueue.Value);
        }
    }

    public bool TryDequeue(out T? item)
    {
        var position = Volatile.Read(ref _dequeue.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var difference = Volatile.Read(ref cell.Sequence) - (position + 1);
            if (difference == 0)
            {
                var seen = Interlocked.CompareExchange(ref _dequeue.Value, position + 1, position);
                if (seen == position)
                {
                    item = cell.Item;
                    cell.Item = null;
                    Volatile.Write(ref cell.Sequence, position + _mask + 1);
                    return true;
                }
                position = seen;
            }
            else if (difference < 0)
            {
                item = null; // empty (or a producer is between claiming and filling this cell)
                return false;
            }
            else
                position = Volatile.Read(ref _dequeue.Value);
        }
    }
}
