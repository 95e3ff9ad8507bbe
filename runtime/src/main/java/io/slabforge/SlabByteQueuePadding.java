package io.slabforge;

/*
 * The field layout of SlabByteQueue, padded by class hierarchy as JCTools' SpscArrayQueue is: the JVM lays out a
 * superclass's fields before its subclass's, so 128 bytes of padding between the producer's fields and the
 * consumer's (and on either side of them) keep the two threads of an spsc queue off each other's cache lines
 * (two 64-byte lines, for the adjacent-line prefetcher). CacheLinePaddingTest checks the layout with JOL.
 *
 *   header | pad 128 | producer: tail, tailOffset, linkedAhead, last, produced, written, producer | pad 128 |
 *   consumer: head, headOffset, consumed, read, consumer | pad 128 | SlabByteQueue: chunks, chunkSize, spsc, closed
 */

/** 128 bytes before the producer's fields. */
abstract class SlabByteQueuePadding {
    // 4 bytes fill the gap after a compressed-class-pointer header (else the JVM puts a subclass int there).
    int leadingPad;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** What only the producer writes (the consumer reads {@code written}, published with release stores). */
abstract class SlabByteQueueProducerFields extends SlabByteQueuePadding {
    /** The chunk being written, the chunks linked after it but still empty, the last of them. */
    SlabByteQueue.Node tail;
    int tailOffset;
    int linkedAhead;
    SlabByteQueue.Node last;
    long produced;
    /** Bytes written so far: stored with release, loaded with acquire, through {@code SlabByteQueue.WRITTEN}. */
    long written;
    /** The producer thread of an spsc queue: the first thread that wrote (set once, by compare-and-exchange). */
    Thread producer;
}

/** 128 bytes between the two sides. */
abstract class SlabByteQueueProducerPad extends SlabByteQueueProducerFields {
    // Fills a 4-byte hole the producer's fields may leave, which the JVM would fill with a consumer int.
    int producerFill;
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/** What only the consumer writes (the producer and {@code size()} read {@code read}). */
abstract class SlabByteQueueConsumerFields extends SlabByteQueueProducerPad {
    SlabByteQueue.Node head;
    int headOffset;
    long consumed;
    /** Bytes read so far: stored with release, loaded with acquire, through {@code SlabByteQueue.READ}. */
    long read;
    /** The consumer thread of an spsc queue: the first thread that read. */
    Thread consumer;
}

/** 128 bytes after the consumer's fields, before the shared read-mostly ones. */
abstract class SlabByteQueueConsumerPad extends SlabByteQueueConsumerFields {
    int consumerFill;
    long r00, r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15;
}
