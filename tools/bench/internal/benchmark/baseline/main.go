// Command baseline is the trivial Lambda function the cold-start benchmark
// runs under the Runtime Interface Emulator before the real ones: it
// answers every event with an empty HTTP 200 at once, so its time from
// process start to first response is the emulator's and the Go runtime's
// own share, which the real functions' figures are compared against.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200}, nil
	})
}
