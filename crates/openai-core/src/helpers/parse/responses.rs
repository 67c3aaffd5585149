//! `client.responses().parse::<T>(params)` (reference/helpers.md b.2).

use std::collections::BTreeSet;
use std::ops::Deref;

use http::HeaderValue;
use openai_transport::headers::X_STAINLESS_HELPER_METHOD;
use openai_types::responses::{OutputItem, Response, ResponseCreateParams, ResponseTextParam};
use openai_types::schemars::JsonSchema;
use openai_types::{
    Nullable, OutputMessageContent, TextResponseFormatConfiguration, TextResponseFormatJsonSchema,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{ParseAnswer, ParseRequest, arguments_as, parse_arguments, parse_content};
use crate::client::HasOptions as _;
use crate::error::Error;
use crate::helpers::response_stream::strict_function_names;
use crate::resources::responses::Responses;

/// The helper header's value.
const HELPER_METHOD: &str = "responses.parse";

impl Responses<'_> {
    /// Creates a response whose text is read into `T` (Python's
    /// `client.responses.parse` with `text_format=T`).
    ///
    /// Sets `text.format` to `T`'s strict JSON schema (`{"type":
    /// "json_schema", "strict": true, "name", "schema"}`, see
    /// [`structured`](openai_types::structured)); function tools made with
    /// [`FunctionTool::from_type`](openai_types::FunctionTool::from_type), or
    /// any with `strict: true`, get their arguments parsed.
    ///
    /// # Errors
    ///
    /// Before anything is sent, [`Error::InvalidRequest`] when `params`
    /// already has a `text.format` ("Cannot mix and match text.format with
    /// text_format", as in Python) or `T` cannot be a strict schema. When
    /// awaited, any error of the call; [`Error::Decode`] when an
    /// `output_text` does not read as `T` or strict arguments are not JSON.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use openai_core::types::responses::ResponseCreateParams;
    /// use openai_core::types::schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// #[schemars(crate = "openai_core::types::schemars")]
    /// struct Step {
    ///     explanation: String,
    ///     output: String,
    /// }
    ///
    /// # async fn run(client: openai_core::Client) -> Result<(), openai_core::Error> {
    /// let params = ResponseCreateParams::new().model("gpt-4o").input("Solve 8x + 7 = -23");
    /// let parsed = client.responses().parse::<Step>(params).await?;
    /// if let Some(step) = &parsed.output_parsed {
    ///     println!("{}: {}", step.explanation, step.output);
    /// }
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    pub fn parse<T: DeserializeOwned + JsonSchema>(
        &self,
        mut params: ResponseCreateParams,
    ) -> ParseRequest<Response, T> {
        let mut problem = None;
        let text = params.text.as_mut().map(|t| &mut **t);
        if text.as_ref().is_some_and(|t| !t.format.is_absent()) {
            problem = Some("Cannot mix and match text.format with text_format".to_owned());
        } else {
            match TextResponseFormatJsonSchema::for_type::<T>() {
                Ok(format) => {
                    let format = Nullable::Value(Box::new(
                        TextResponseFormatConfiguration::JsonSchema(format),
                    ));
                    match text {
                        Some(text) => text.format = format,
                        None => {
                            let mut text = ResponseTextParam::new();
                            text.format = format;
                            params.text = Nullable::Value(Box::new(text));
                        }
                    }
                }
                Err(e) => problem = Some(format!("parse: {e}")),
            }
        }
        let strict_tools = strict_function_names(&params);
        let mut request = self.create(params).header(
            X_STAINLESS_HELPER_METHOD,
            HeaderValue::from_static(HELPER_METHOD),
        );
        if let Some(problem) = problem {
            request.options_mut().record_error(&problem);
        }
        ParseRequest::new(request, strict_tools)
    }
}

impl super::sealed::Sealed for Response {}

impl<T: DeserializeOwned> ParseAnswer<T> for Response {
    type Output = ParsedResponse<T>;

    fn finish(self, strict_tools: &BTreeSet<String>) -> Result<ParsedResponse<T>, Error> {
        ParsedResponse::from_response_with(self, strict_tools)
    }
}

/// A response whose text is read into `T` (Python's `ParsedResponse[T]`).
///
/// Derefs to the [`Response`], unchanged.
#[derive(Debug, Clone)]
pub struct ParsedResponse<T> {
    /// The first `output_text` of the message outputs, read as `T`
    /// (Python's `output_parsed`); `None` when there is none (a refusal).
    pub output_parsed: Option<T>,
    /// The function calls of the output, in order, each with its parsed
    /// arguments.
    pub function_calls: Vec<ParsedResponseFunctionCall>,
    response: Response,
}

impl<T: DeserializeOwned> ParsedResponse<T> {
    /// The post-processing of `parse` on a response you already have (from
    /// [`final_response`](crate::ResponseStream::final_response), say):
    /// function calls are read as JSON when `strict_tools` names them.
    ///
    /// # Errors
    ///
    /// As [`Responses::parse`], once the answer is in.
    pub fn from_response<I, S>(response: Response, strict_tools: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names = strict_tools.into_iter().map(Into::into).collect();
        Self::from_response_with(response, &names)
    }

    fn from_response_with(
        response: Response,
        strict_tools: &BTreeSet<String>,
    ) -> Result<Self, Error> {
        let mut output_parsed = None;
        let mut function_calls = Vec::new();
        for item in &response.output {
            match item {
                OutputItem::Message(message) => {
                    for part in &message.content {
                        if let OutputMessageContent::OutputText(part) = part {
                            let parsed = parse_content::<T>(&part.text)?;
                            if output_parsed.is_none() {
                                output_parsed = Some(parsed);
                            }
                        }
                    }
                }
                OutputItem::FunctionCall(call) => {
                    let parsed_arguments = if strict_tools.contains(&call.name) {
                        Some(parse_arguments(&call.name, &call.arguments)?)
                    } else {
                        None
                    };
                    function_calls.push(ParsedResponseFunctionCall {
                        call_id: call.call_id.clone(),
                        name: call.name.clone(),
                        arguments: call.arguments.clone(),
                        parsed_arguments,
                    });
                }
                _ => {}
            }
        }
        Ok(Self {
            output_parsed,
            function_calls,
            response,
        })
    }
}

impl<T> ParsedResponse<T> {
    /// The plain response.
    pub fn into_response(self) -> Response {
        self.response
    }
}

impl<T> Deref for ParsedResponse<T> {
    type Target = Response;

    fn deref(&self) -> &Response {
        &self.response
    }
}

/// A function call of a [`ParsedResponse`] with its arguments parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedResponseFunctionCall {
    /// The id to answer the call with (`function_call_output`).
    pub call_id: String,
    /// The function's name.
    pub name: String,
    /// The arguments as the model wrote them.
    pub arguments: String,
    /// The arguments as JSON, when the request had this function as a
    /// strict tool; else `None`.
    pub parsed_arguments: Option<Value>,
}

impl ParsedResponseFunctionCall {
    /// The parsed arguments read into your type.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when there are no parsed arguments or they do not
    /// read as `A`.
    pub fn arguments_as<A: DeserializeOwned>(&self) -> Result<A, Error> {
        arguments_as(&self.name, self.parsed_arguments.as_ref())
    }
}
