package generator

// ReceiverModel holds what the receiver emitter needs beyond the webhook
// operations: how each delivery is routed to its webhook and which
// signature scheme verifies it.
type ReceiverModel struct{}

// ReceiverConfig configures generated webhook receivers.
type ReceiverConfig struct{}

// receiverModel decides routing and signature schemes for the webhooks.
func (b *builder) receiverModel(cfg ReceiverConfig) *ReceiverModel {
	return &ReceiverModel{}
}
