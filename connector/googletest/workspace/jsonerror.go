package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// position turns a byte offset into "line L, column C".
func position(data []byte, off int64) string {
	before := data[:min(off, int64(len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// errorOffset returns where in the input a decoding error lies.
func errorOffset(err error, dec *json.Decoder) int64 {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return te.Offset
	case errors.As(err, &se):
		return se.Offset
	}
	return dec.InputOffset()
}

// describe rewrites a type error in the words of the JSON format.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	want := "a " + te.Type.Kind().String()
	switch te.Type.Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Map:
		want = "an object"
	case reflect.Slice:
		want = "an array"
	case reflect.Int64, reflect.Float64:
		want = "a number"
	}
	return fmt.Errorf("%s is %s, want %s", te.Field, te.Value, want)
}
