// Package together runs goroutines released at one instant, for the tests that want
// them to contend (storetest's concurrent commits, the processor's concurrent events).
package together

import "sync"

// Run calls f(0), …, f(n-1), each in a goroutine of its own; none calls f before
// every goroutine has been started. It returns when every call has returned.
func Run(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}
